"""Personal data replaced by consistent placeholders: ``[AD_1]``, ``[TELEFON_2]``, ``[EPOSTA_1]``.

One :class:`Pseudonyms` serves a whole export, so a value gets the same
placeholder wherever it occurs (a name in the customer's words, in a tool
result and in the answer). Values are compared in a normal form: phone
numbers as E.164 (``0532 000 10 01`` and ``+905320001001`` are one number),
e-mail addresses and names in Turkish lower case, IBANs without spaces.

What is found:

- phone numbers: libphonenumber's matcher (``phonenumbers``), Turkish
  national forms included;
- e-mail addresses and IBANs (checksum verified) by their shape;
- names and addresses known to be personal: the exported customers' own
  (from the operator's database), any customer's first or last name written
  anywhere (``learn_names``), and every value a tool call or result holds
  under a personal key (``email``, ``address``, ``new_value`` ...), learned
  before any text is scrubbed (``learn_from``), so the same value typed by
  the customer is replaced too.

A name nobody has on file (a relative the customer mentions) is not found:
there is no named-entity recogniser here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

import phonenumbers

from core.turkish import fold, tr_lower

NAME, PHONE, EMAIL, ADDRESS, IBAN = "AD", "TELEFON", "EPOSTA", "ADRES", "IBAN"
# Keys of tool arguments and results whose string values are personal.
PERSONAL_KEYS: Mapping[str, str] = {
    "email": EMAIL,
    "address": ADDRESS,
    "new_value": ADDRESS,  # contact changes: refined by the value's shape
    "old_value": ADDRESS,
    "iban": IBAN,
    "phone": PHONE,
    "phone_number": PHONE,
    "msisdn": PHONE,
}
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){3,7}(?: ?[A-Z0-9]{1,4})?\b")
_WORD = re.compile(r"\w+")
# Shorter names are matched only as written in Turkish lower case ("Şen" is not "sen").
_FOLDED_NAME_MIN = 4


class Pseudonyms:
    """The export's table of personal values and their placeholders."""

    def __init__(self) -> None:
        self._placeholders: dict[tuple[str, str], str] = {}
        self._counts: dict[str, int] = {}
        self._names: set[str] = set()
        self._folded_names: set[str] = set()
        self._phrases: dict[str, str] = {}  # lower-cased address (or other phrase) -> kind

    # -- learning -------------------------------------------------------------

    def learn_names(self, names: Iterable[str]) -> None:
        """Treat every word of ``names`` as a personal name wherever it occurs."""
        for name in names:
            for word in _WORD.findall(name):
                if word.isdigit():
                    continue
                self._names.add(tr_lower(word))
                if len(word) >= _FOLDED_NAME_MIN:
                    self._folded_names.add(fold(word))

    def learn_phrase(self, kind: str, value: str) -> None:
        """Treat ``value`` (an address) as personal wherever it occurs."""
        value = value.strip()
        if len(value) >= 3 and kind == ADDRESS:
            self._phrases[tr_lower(value)] = kind

    def learn_from(self, value: Any, key: str | None = None) -> None:
        """Learn the personal values a tool call's arguments or result holds."""
        if isinstance(value, Mapping):
            for inner_key, inner in value.items():
                self.learn_from(inner, str(inner_key))
        elif isinstance(value, list):
            for inner in value:
                self.learn_from(inner, key)
        elif isinstance(value, str) and key is not None and key in PERSONAL_KEYS:
            self.learn_phrase(self._kind_of(PERSONAL_KEYS[key], value), value)

    # -- replacing ------------------------------------------------------------

    def placeholder(self, kind: str, value: str) -> str:
        """The placeholder of ``value``; a new one (``[KIND_n]``) the first time."""
        key = (kind, self._normal_form(kind, value))
        found = self._placeholders.get(key)
        if found is None:
            self._counts[kind] = self._counts.get(kind, 0) + 1
            found = f"[{kind}_{self._counts[kind]}]"
            self._placeholders[key] = found
        return found

    def scrub_text(self, text: str) -> str:
        """``text`` with every personal value found replaced by its placeholder."""
        if not text:
            return text
        text = _IBAN.sub(self._iban_match, text)
        text = _EMAIL.sub(lambda match: self.placeholder(EMAIL, match.group(0)), text)
        text = self._scrub_phones(text)
        text = self._scrub_phrases(text)
        return _WORD.sub(self._name_match, text)

    def scrub_value(self, value: Any, key: str | None = None) -> Any:
        """A JSON value (tool arguments or result) with personal data replaced."""
        if isinstance(value, Mapping):
            return {k: self.scrub_value(v, str(k)) for k, v in value.items()}
        if isinstance(value, list):
            return [self.scrub_value(inner, key) for inner in value]
        if isinstance(value, str):
            if key is not None and key in PERSONAL_KEYS and value.strip():
                return self.placeholder(self._kind_of(PERSONAL_KEYS[key], value), value)
            return self.scrub_text(value)
        return value

    # -- internals ------------------------------------------------------------

    def _kind_of(self, kind: str, value: str) -> str:
        """The kind a personal key's value really is: a contact change may hold any."""
        if _EMAIL.fullmatch(value.strip()):
            return EMAIL
        if _phone_e164(value) is not None:
            return PHONE
        if _valid_iban(value):
            return IBAN
        return kind

    def _normal_form(self, kind: str, value: str) -> str:
        if kind == PHONE:
            return _phone_e164(value) or re.sub(r"\D", "", value)
        if kind == IBAN:
            return value.replace(" ", "").upper()
        if kind == NAME:
            return fold(value)
        return tr_lower(" ".join(value.split()))

    def _iban_match(self, match: re.Match[str]) -> str:
        value = match.group(0)
        return self.placeholder(IBAN, value) if _valid_iban(value) else value

    def _scrub_phones(self, text: str) -> str:
        pieces: list[str] = []
        end = 0
        for found in phonenumbers.PhoneNumberMatcher(text, "TR"):
            pieces.append(text[end : found.start])
            pieces.append(self.placeholder(PHONE, found.raw_string))
            end = found.end
        pieces.append(text[end:])
        return "".join(pieces)

    def _scrub_phrases(self, text: str) -> str:
        if not self._phrases:
            return text
        lowered = tr_lower(text)
        if len(lowered) != len(text):  # a rare letter whose lower case is longer
            return text
        for phrase in sorted(self._phrases, key=len, reverse=True):
            start = lowered.find(phrase)
            while start >= 0:
                stop = start + len(phrase)
                value = text[start:stop]
                replacement = self.placeholder(self._phrases[phrase], value)
                text = text[:start] + replacement + text[stop:]
                lowered = lowered[:start] + replacement + lowered[stop:]
                start = lowered.find(phrase, start + len(replacement))
        return text

    def _name_match(self, match: re.Match[str]) -> str:
        word = match.group(0)
        lowered = tr_lower(word)
        if lowered in self._names or (
            len(word) >= _FOLDED_NAME_MIN and fold(word) in self._folded_names
        ):
            return self.placeholder(NAME, word)
        return word


def _phone_e164(value: str) -> str | None:
    """``value`` as an E.164 number when it is exactly one valid phone number."""
    try:
        number = phonenumbers.parse(value.strip(), "TR")
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _valid_iban(value: str) -> bool:
    """ISO 13616: the country code and check digits moved to the end, mod 97 is 1."""
    compact = value.replace(" ", "").upper()
    if not re.fullmatch(r"[A-Z]{2}\d{2}[A-Z0-9]{11,30}", compact):
        return False
    rearranged = compact[4:] + compact[:4]
    digits = "".join(str(int(char, 36)) for char in rearranged)
    return int(digits) % 97 == 1
