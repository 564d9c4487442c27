"""What the simulated customers say: a seeded mix of realistic conversations.

Each chat gets a script of steps drawn from :data:`CONVERSATIONS` (commands,
questions the agent answers with tools, proposals confirmed or declined with
the buttons or by typing, and small talk) until it holds its share of the
messages. The same seed gives the same scripts, so our bot and the echo bot
get exactly the same traffic.
"""

from __future__ import annotations

import random
from dataclasses import dataclass


@dataclass(frozen=True)
class Say:
    """The customer sends ``text``; answered by the bot's next message."""

    text: str
    kind: str


@dataclass(frozen=True)
class Press:
    """The customer presses the button labelled ``label`` on the bot's last answer.

    The echo bot offers one button of its own; a label it lacks presses that one.
    Answered when the pressed message is edited.
    """

    label: str
    kind: str = "confirmation"


Step = Say | Press


@dataclass(frozen=True)
class Conversation:
    """A short exchange and how often customers have it (relative weight)."""

    weight: int
    steps: tuple[Step, ...]


def _say(kind: str, *texts: str) -> tuple[Conversation, ...]:
    return tuple(Conversation(1, (Say(text, kind),)) for text in texts)


COMMANDS = _say("command", "/fatura", "/durum", "/help", "/start")
QUESTIONS = _say(
    "question",
    "kalan internetim ne kadar",
    "hangi paketim var",
    "son faturam ne kadar",
    "geçmiş faturalarımı göster",
    "Ege bölgesinde şebeke durumu nedir",
    "hattım aktif mi",
    "hangi paketler var",
    "faturamın son ödeme tarihi ne zaman",
)
SMALL_TALK = _say("smalltalk", "merhaba", "teşekkürler", "iyi günler", "tamam sağ ol")
# Proposals of actions with side effects; the bot answers with Onayla / Vazgeç.
PROPOSALS = (
    "yurt dışı kullanımımı aç",
    "otomatik ödeme talimatı vermek istiyorum",
    "internetim çok yavaş, arıza kaydı aç",
)
CONFIRMATIONS = tuple(
    Conversation(1, (Say(proposal, "proposal"), answer))
    for proposal in PROPOSALS
    for answer in (Press("Onayla"), Press("Vazgeç"), Say("evet", "confirmation"))
)
# Relative shares: questions with tools lead, as in a support queue.
CONVERSATIONS: tuple[Conversation, ...] = (
    *(Conversation(5, c.steps) for c in COMMANDS),
    *(Conversation(5, c.steps) for c in QUESTIONS),
    *(Conversation(5, c.steps) for c in SMALL_TALK),
    *(Conversation(2, c.steps) for c in CONFIRMATIONS),
)


def chat_scripts(chats: int, messages: int, *, seed: int = 7) -> list[list[Step]]:
    """One script per chat; ``messages`` steps in all, shared out as evenly as possible.

    A conversation cut short by a chat's share keeps its beginning, so a
    press always follows the message that offered the button.
    """
    if chats < 1 or messages < chats:
        raise ValueError("need at least one chat and one message per chat")
    rng = random.Random(seed)
    weights = [conversation.weight for conversation in CONVERSATIONS]
    scripts: list[list[Step]] = []
    for index in range(chats):
        share = messages // chats + (1 if index < messages % chats else 0)
        script: list[Step] = []
        while len(script) < share:
            (conversation,) = rng.choices(CONVERSATIONS, weights)
            script.extend(conversation.steps[: share - len(script)])
        scripts.append(script)
    return scripts


def think_times(scripts: list[list[Step]], mean_s: float, *, seed: int = 11) -> list[list[float]]:
    """Seconds each customer reads and types before each step: uniform, 0.5 to 1.5 x ``mean_s``.

    Bounded on purpose: the phase lasts as long as its slowest chat, and the
    spread still keeps the chats from sending in step.
    """
    rng = random.Random(seed)
    return [[rng.uniform(0.5, 1.5) * mean_s for _ in script] for script in scripts]
