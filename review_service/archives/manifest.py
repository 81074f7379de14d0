"""manifest.json of an archive package: the case's archive metadata (after GB/T 18894-2016), every file's
SHA-256, and the seal: the history chain's head at build time plus a SHA-256 over the whole manifest.

GB/T 18894 (电子文件归档与电子档案管理规范) asks an archived record to carry its 全宗 (fonds), 档号
(archival code), 年度, 保管期限, 题名, 责任者, 文件编号, 日期, and per file its format, size and a digest
(固化信息); the business entities (机构人员, 业务行为) are the history. What this does not cover is
listed in the README.
"""
import hashlib
import json

FORMAT = "review-service-archive/1"
RETENTION_LABELS = {"permanent": "永久", "30_years": "定期30年", "10_years": "定期10年"}
DEFAULT_RETENTION = "permanent"  # the longest, when a profile is silent: nothing is destroyed too early
MANIFEST = "manifest.json"


def canonical(value) -> bytes:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def file_entry(path: str, data: bytes, *, role: str, title: str, media_type: str) -> dict:
    """One file of the package as the manifest lists it (计算机文件名, 格式信息, 计算机文件大小, 数字摘要)."""
    return {"path": path, "role": role, "title": title, "media_type": media_type, "size": len(data),
            "sha256": sha256(data)}


def archive_section(case, *, profile: dict, archiving: dict | None) -> dict:
    """The GB/T 18894-style archive entry (档案著录) of the case."""
    retention = profile.get("retention") or DEFAULT_RETENTION
    decided_on = case.decision.decided_on if case.decision else None
    return {
        "fonds": {"code": case.agency.code, "name": case.agency.name},  # 全宗: the agency forming the record
        "archival_code": (archiving or {}).get("archive_number"),  # 档号, from the archiving step
        "year": decided_on.year if decided_on else case.created_at.year,  # 年度
        "retention_period": {"code": retention, "label": RETENTION_LABELS.get(retention, retention)},  # 保管期限
        "title": case.title,  # 题名
        "responsible": case.agency.name,  # 责任者
        "document_number": case.decision.document_number if case.decision else None,  # 文件编号
        "date": decided_on.isoformat() if decided_on else None,  # 日期 (of the decision)
        "archived_on": (archiving or {}).get("archived_on"),  # 归档日期
        "category": "行政执法案卷·重大执法决定法制审核",  # 门类/类别
        "security_classification": None,  # 密级: not recorded by this service
    }


def seal(manifest: dict) -> dict:
    """The manifest with seal.digest set: SHA-256 over the canonical JSON of everything but that digest."""
    body = {**manifest, "seal": {**manifest["seal"], "digest": None}}
    return {**manifest, "seal": {**manifest["seal"], "digest": sha256(canonical(body))}}


def seal_holds(manifest: dict) -> bool:
    digest = manifest.get("seal", {}).get("digest")
    return isinstance(digest, str) and seal(manifest)["seal"]["digest"] == digest
