"""Phrasings of our own for the phenomena independent sets found failing (issue 19).

``tests/rules/data/dialogues_generalise.jsonl`` holds at least five customer
phrasings per phenomenon, written for this test (colloquial, typos, missing
Turkish letters, English, with and without context): English follow-ups,
profile questions, payment history by month and method, a package recommended
by need, contact values in a moving message, autopay phrasings, general
information in an unlinked chat, two requests of which one is an action, a bare
"aç" (or "nasıl açtırırım") about what the last answer reported (roaming or
autopay off, the line suspended), the spoken present tense ("çekmiyo",
"istiyom"), and a disputed charge with the complaint asked for at once
("almadım, şikayet açın") or asked after, and the fee or the way of switching on
what the last answer reported ("açtırırsam ücreti ne olur", "o ücret günlük müydü"),
use abroad asked of a package ("bunda yurt dışı kullanım var mı"), and the payment
method of the waiting card named again ("kredi kartı": the card again, nothing paid),
what to do after an outage shown ("o bitince de düzelmezse ne yapıcam"), and a
superlative that picks a package beside a bill ("fatura çok geliyor en ucuz pakete geç"),
a short question about what the last answer explained ("güvenli mi"), leaving for later
("ödeyince haber veririm": no card), an add-on package asked for (no tool sells one),
how long a suspension lasts, the difference of the package shown from a named one, and
softened superlatives ("en yükseği", "en küçüğü"), and packages that give more than the
customer's own ("daha çok internetli paket", "paketimi yükseltmek", then "ilkine geçeyim"),
the own package's commitment ("taahhüdüm ne zaman bitiyor", "cayma bedeli ne kadar"), and
a customer group claimed after a package reserved for one was refused ("öğrenciyim").
Every turn must pass on the ``rules`` backend.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from agent.dialogue_eval import evaluate_dialogues, read_dialogues
from core.config_loader import load_settings

ROOT = Path(__file__).resolve().parents[2]
OWN_SET = ROOT / "tests" / "rules" / "data" / "dialogues_generalise.jsonl"
_PHENOMENA = (
    "en",
    "profil",
    "odeme",
    "oneri",
    "iletisim",
    "otomatik",
    "bagsiz",
    "iki",
    "ac",
    "yo",
    "itiraz",
    "ucret",
    "yurtdisi",
    "kart",
    "kesinti",
    "enucuz",
    "soru",
    "kapanis",
    "ekpaket",
    "sure",
    "fark",
    "eny",
    "buyuk",
    "taahhut",
    "grup",
)
_MIN_PHRASINGS = 5


def test_every_phenomenon_has_five_phrasings() -> None:
    kinds = Counter(d.id.split("-")[1] for d in read_dialogues(OWN_SET))
    assert {kind: kinds[kind] for kind in _PHENOMENA if kinds[kind] < _MIN_PHRASINGS} == {}


async def test_the_rules_backend_passes_every_turn_of_the_own_set(tmp_path: Path) -> None:
    settings = load_settings(ROOT / "config.yaml", environ={"MODEL_BACKEND": "rules"})
    logging = settings.logging.model_copy(update={"file": str(tmp_path / "app.log")})
    settings = settings.model_copy(update={"logging": logging})
    report = await evaluate_dialogues(settings, read_dialogues(OWN_SET))
    misses = [turn.as_miss() for turn in report.turns if not turn.passed]
    assert misses == [], "\n".join(json.dumps(miss, ensure_ascii=False) for miss in misses)
