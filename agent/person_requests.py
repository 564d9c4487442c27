"""Does a customer's message ask for a person? A small matcher over folded Turkish.

"bir insanla görüşmek istiyorum", "müşteri temsilcisi", "canlı destek",
"yetkiliyle konuşmak istiyorum", "beni operatöre bağlar mısın": such a
message is handed to the support team instead of the assistant (the bot's
gate), and the rules engine answers it as a request for a person when it
reaches the agent all the same (a group chat, the API). The text is
folded first (``core.turkish.fold``: Turkish lower case, no diacritics), so
"MÜŞTERİ TEMSİLCİSİ" and "musteri temsilcisi" match alike.

Three kinds of cue:

- a *strong* phrase names a person to talk to on its own ("temsilci",
  "canlı destek", "gerçek bir insan");
- a *weak* word names someone who may be a person ("insan", "yetkili",
  "operatör", "biri", "müşteri hizmetleri") and counts only with a verb of
  reaching them ("görüşmek", "konuşmak", "bağla", "aktar", "ulaşmak") or of
  wanting ("istiyorum", "lazım"): "yetkili bayi nerede" and "operatörümü
  değiştirmek istiyorum" are no requests for a person;
- a *negation* of the request ("temsilci istemiyorum", "temsilciye gerek
  yok", "bağlamayın") cancels it.
"""

from __future__ import annotations

import re

from core.turkish import fold

# A representative, live support, a real person: a request on their own.
_STRONG = re.compile(
    r"\b(?:temsilci\w*"
    r"|canli (?:destek|desteg|yardim|temsilci)\w*"
    r"|gercek (?:bir )?(?:insan|kisi)\w*"
    r"|insan(?:la|ile) (?:gorus|konus)\w*)"
)
# Someone who may be a person; needs a verb of reaching or wanting.
# Only the forms that name someone to reach: "birinci" and "insanlık" are not "biri", "insan".
_CASE = r"(?:la|le|ile|a|e|ya|ye|yla|yle|dan|den|in|un)?\b"
_WEAK = re.compile(
    r"\b(?:(?:insan|yetkili|operator|personel|calisan|uzman|kisi)"
    + _CASE
    + r"|biri(?:si)?(?:yle|ile|ne|n)?\b|musteri hizmetler\w*)"
)
_REACH = re.compile(
    r"\b(?:gorus\w*|konus\w*|bagla\w*|baglan\w*|aktar\w*|yonlendir\w*|ulas\w*"
    r"|istiyorum|isterim|lazim|gerek(?:iyor)?|var mi)\b"
)
_NEGATION = re.compile(
    r"\b(?:istemiyorum|istemem|gerek yok|gerekmez|gerekmiyor|baglamayin|baglama\b"
    r"|aktarmayin|yonlendirmeyin|konusmak istemiyorum|gorusmek istemiyorum)"
)
# "operatörümü değiştirmek", "operatör değiştirmek": switching carriers, not a person.
_CARRIER = re.compile(r"\boperator\w* (?:degis|tasi)\w*")


def asks_for_person(text: str) -> bool:
    """Whether ``text`` asks to talk to a person rather than to the assistant."""
    folded = fold(text)
    if not folded or _NEGATION.search(folded):
        return False
    if _STRONG.search(folded):
        return True
    if _CARRIER.search(folded):
        return False
    return bool(_WEAK.search(folded) and _REACH.search(folded))
