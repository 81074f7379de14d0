"""The password policy (REVIEW_PASSWORD_MIN_LENGTH, REVIEW_PASSWORD_MIN_CLASSES) and one-time passwords.

Every path that sets a password (create, reset, change, seed, import) goes through `check_password` or
`one_time_password`, whose output always satisfies the policy.
"""
import secrets
import string

from flask import current_app

from ..errors import InvalidInput

CLASSES = (("lowercase", string.ascii_lowercase), ("uppercase", string.ascii_uppercase), ("digits", string.digits))
CLASS_TITLES = "小写字母、大写字母、数字、其他符号"
MAX_LENGTH = 256


def _classes_in(password: str) -> int:
    found = sum(any(char in chars for char in password) for _name, chars in CLASSES)
    return found + any(not char.isascii() or not char.isalnum() for char in password)


def password_problems(password: str, *, username: str | None = None) -> list[str]:
    """What is wrong with the password under the configured policy (empty: it is acceptable)."""
    min_length = current_app.config["PASSWORD_MIN_LENGTH"]
    min_classes = current_app.config["PASSWORD_MIN_CLASSES"]
    problems = []
    if len(password) < min_length:
        problems.append(f"密码至少 {min_length} 个字符")
    if len(password) > MAX_LENGTH:
        problems.append(f"密码不能超过 {MAX_LENGTH} 个字符")
    if _classes_in(password) < min_classes:
        problems.append(f"密码须包含{CLASS_TITLES}中的至少 {min_classes} 类")
    if username and username.lower() in password.lower():
        problems.append("密码不能包含用户名")
    return problems


def check_password(password: str, *, username: str | None = None, field: str = "password") -> None:
    """Raise InvalidInput (code weak_password, every problem under `field`) unless the policy is met."""
    problems = password_problems(password, username=username)
    if problems:
        raise InvalidInput("密码不符合密码策略：" + "；".join(problems), code="weak_password",
                           fields={field: problems})


def one_time_password(username: str) -> str:
    """A random password for the account `username`, drawn again until the policy accepts it (a random one of a
    short username contains it now and then): shown once, to be changed at first login."""
    length = max(current_app.config["PASSWORD_MIN_LENGTH"], 14)
    alphabet = string.ascii_letters + string.digits + "-_."  # nothing a shell or a URL would interpret
    while True:
        candidate = "".join(secrets.choice(alphabet) for _ in range(length))
        # every class; never starts with "-" (read as an option); and whatever else the policy asks
        if _classes_in(candidate) == 4 and candidate[0].isalnum() \
                and not password_problems(candidate, username=username):
            return candidate


def policy_text() -> str:
    """The policy in one sentence, for forms."""
    return (f"至少 {current_app.config['PASSWORD_MIN_LENGTH']} 个字符，包含{CLASS_TITLES}中的至少 "
            f"{current_app.config['PASSWORD_MIN_CLASSES']} 类，且不含用户名")
