"""审核意见书 of a two-round case (issues found, then approved): every field in the DOCX and the PDF, in Chinese."""
import subprocess
from pathlib import Path

from ..factories import case_documents as documents
from ..factories import docx_text, download, pdf_text, review, run_due_jobs

ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"
AGENCY = "市市场监督管理局"
POINT = "适用法律、法规、规章是否准确，裁量基准运用是否适当"


def two_round_case(as_user) -> int:
    handler, reviewer = as_user("handler"), as_user("reviewer")
    case_id = handler.submit()["id"]
    reviewer.complete(case_id, "accept_submission", {"result": "accept"})
    reviewer.complete(case_id, "review_case", review("issues", opinion_text="经审核，本案罚款数额明显超出裁量基准。"))
    handler.complete(case_id, "respond_to_opinion", {
        "action": "correct", "correction_summary": "已按审核意见调整罚款数额",
        "updated": {"fine_amount": 100000, "proposed_decision": "没收违法所得二万元，并处罚款十万元。"},
        "materials": [{"name": "裁量说明（修改后）", "category": "other"}]})
    reviewer.complete(case_id, "review_case", review("approve", opinion_text="经审核，同意。"))
    return case_id


def test_two_rounds_give_two_numbered_opinions_whose_docx_and_pdf_say_everything(app, as_user, pdf_documents):
    case_id = two_round_case(as_user)
    handler = as_user("handler")
    listed = documents(handler, case_id)
    assert [(d["kind"], d["round"], d["number"], d["pdf_status"]) for d in listed] == [
        ("submission", 1, None, "pending"),
        ("opinion", 1, f"{AGENCY}法审〔2026〕1号", "pending"),
        ("opinion", 2, f"{AGENCY}法审〔2026〕2号", "pending")]
    first = listed[1]
    # the DOCX is there at once, before any worker ran
    round_one = docx_text(download(handler, first["docx_url"]))
    for text in (AGENCY, f"{AGENCY}法审〔2026〕1号", "重大执法决定法制审核意见书", "市监罚〔2026〕1号",
                 "某公司销售不合格产品案",
                 "某某贸易有限公司（法人）", "没收违法所得二万元，并处罚款十五万元。",  # as proposed in round 1
                 "调查终结报告", "行政处罚决定书（代拟稿）", "执法程序是否合法 | 无问题",
                 f"{POINT} | 存在问题 | 裁量过重", "审核意见：存在问题", "经审核，本案罚款数额明显超出裁量基准。",
                 f"1. {POINT}：裁量过重", "建议1：罚款数额超出裁量基准，建议调整",
                 "审核人员：reviewer（法律职业资格证书编号A2019", "法制审核机构", "第1轮审核", "2026年11月2日"):
        assert text in round_one, text
    assert "裁量说明（修改后）" not in round_one  # materials as of the opinion

    assert {r.outcome for r in run_due_jobs(app)} == {"done"}
    listed = documents(handler, case_id)
    assert [d["pdf_status"] for d in listed] == ["done"] * 3
    round_two_pdf = download(handler, listed[2]["pdf_url"])
    assert round_two_pdf.startswith(b"%PDF")
    text = "".join(pdf_text(round_two_pdf).split())  # the PDF wraps lines: compare without whitespace
    for expected in (AGENCY, f"{AGENCY}法审〔2026〕2号", "重大执法决定法制审核意见书", "市监罚〔2026〕1号",
                     "某公司销售不合格产品案", "某某贸易有限公司", "没收违法所得二万元，并处罚款十万元。",
                     "裁量说明（修改后）", "审核意见：同意", "经审核，同意。",
                     "第2轮审核", "审核人员：reviewer", f"{AGENCY}法制审核机构", "2026年11月2日"):
        assert expected in text, expected
    fonts = subprocess.run(["pdffonts", "-"], input=round_two_pdf, capture_output=True).stdout.decode()
    assert "CJK" in fonts and " yes " in fonts  # a Noto CJK font, embedded
    round_one_pdf = "".join(pdf_text(download(handler, listed[1]["pdf_url"])).split())
    assert "审核意见：存在问题" in round_one_pdf and "建议1：罚款数额超出裁量基准，建议调整" in round_one_pdf
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "opinion-round-2.pdf").write_bytes(round_two_pdf)
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-singlefile", str(ARTIFACTS / "opinion-round-2.pdf"),
                    str(ARTIFACTS / "opinion-round-2")], check=True)
    assert (ARTIFACTS / "opinion-round-2.png").stat().st_size > 10_000


def test_the_submission_form_is_made_at_submission(as_user):
    handler = as_user("handler")
    case_id = handler.submit()["id"]
    [form] = documents(handler, case_id)
    text = docx_text(download(handler, form["docx_url"]))
    for expected in ("重大执法决定法制审核送审表", "案件编号 | 市监罚〔2026〕1号",
                     "拟作出的决定 | 没收违法所得二万元，并处罚款十五万元。",
                     "罚款金额（元） | 150000.00", "调查终结报告", "承办人 | handler"):
        assert expected in text, expected


def test_a_transfer_opinion_names_the_authority_and_the_reasons(as_user):
    handler, reviewer = as_user("handler"), as_user("reviewer")
    case_id = handler.submit()["id"]
    reviewer.complete(case_id, "accept_submission", {"result": "accept"})
    reviewer.complete(case_id, "review_case", review("transfer"))
    opinion = documents(handler, case_id)[-1]
    text = docx_text(download(handler, opinion["docx_url"]))
    assert "审核意见：移送有权机关处理" in text and "建议移送：市公安局" in text
    assert "理由：涉嫌生产、销售伪劣产品罪" in text
