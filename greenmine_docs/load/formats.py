"""Format rules for single values: USCC checksum (GB 32100-2015), licence number shape, phone
numbers. Pure functions, reused by the checks and the Excel reader."""
from __future__ import annotations

import re

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_USCC_VALUE = {c: i for i, c in enumerate(USCC_ALPHABET)}
_USCC_SHAPE = re.compile(f"[{USCC_ALPHABET}]{{18}}")


def uscc_check_char(first17: str) -> str:
    """The check character for the first 17 characters of a USCC."""
    digit = _USCC_VALUE
    total = sum([digit[c] * w for c, w in zip(first17, _USCC_WEIGHTS)])
    value = 31 - total % 31
    return USCC_ALPHABET[0 if value == 31 else value]


def uscc_problem(code: str) -> str | None:
    """``None`` when ``code`` is a valid USCC, else a Chinese explanation of what is wrong."""
    if len(code) != 18:
        return f"应为 18 位，实际 {len(code)} 位"
    if not _USCC_SHAPE.fullmatch(code):
        bad = sorted({c for c in code if c not in USCC_ALPHABET})
        return "含有不允许的字符 " + "、".join(bad) + "（只允许数字和除 I、O、Z、S、V 以外的大写字母）"
    expected = uscc_check_char(code[:17])
    if code[17] != expected:
        return f"校验位应为 {expected}，实际为 {code[17]}"
    return None


LICENCE_PATTERN = re.compile(r"^C\d{22}$")


def licence_number_ok(number: str) -> bool:
    """Since 2020 licence numbers are permanent: ``C`` + 22 digits (older ones differ)."""
    return bool(LICENCE_PATTERN.match(number))


_PHONE_NOISE = re.compile(r"[\s()（）]")
_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_LANDLINE = re.compile(r"^0\d{2,3}-?\d{7,8}(-\d{1,6})?$")


def phone_ok(phone: str) -> bool:
    """Mainland mobile (11 digits) or landline with area code (0351-6160056)."""
    p = _PHONE_NOISE.sub("", phone)
    p = p.removeprefix("+86").removeprefix("86-") if p.startswith(("+86", "86-")) else p
    return bool(_MOBILE.match(p) or _LANDLINE.match(p))
