"""The password policy (等保 2.0 level 2: length and complexity), checked wherever a password is set."""
from flask import current_app

CHARACTER_CLASSES = (  # (name shown to the user, test)
    ("小写字母", str.islower), ("大写字母", str.isupper), ("数字", str.isdigit),
    ("符号", lambda ch: not ch.isalnum()),
)


def check_password_policy(password: str) -> list[str]:
    """Problems of `password` under PASSWORD_MIN_LENGTH / PASSWORD_MIN_CLASSES (empty list: acceptable).

    Classes: lowercase, uppercase, digits, symbols (anything else, including spaces and Chinese characters).
    """
    minimum = current_app.config["PASSWORD_MIN_LENGTH"]
    classes = current_app.config["PASSWORD_MIN_CLASSES"]
    problems = []
    if len(password) < minimum:
        problems.append(f"密码至少{minimum}个字符")
    present = sum(1 for _, test in CHARACTER_CLASSES if any(test(ch) for ch in password))
    if present < classes:
        names = "、".join(name for name, _ in CHARACTER_CLASSES)
        problems.append(f"密码须包含{names}中的至少{classes}类")
    return problems
