"""``python -m agent export-training``: dialogues, the live prompt's bytes, no personal data."""

from __future__ import annotations

import asyncio
import json
import os
import re
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from agent.events import ChatRequest
from agent.history import load_turns
from agent.prompt import render_prompt, trim_to_budget, turns_to_messages
from agent.runtime import AgentRuntime
from agent.training_export.command import build_dialogues
from agent.training_export.dialogues import dialogue_to_turns
from core.settings import Settings
from core.turkish import tr_lower
from db.answer_ratings import rate_answer, remember_answer_messages
from db.database import Database
from db.handoffs import open_handoff, record_relayed
from db.models import ChatMessage, Customer, PhoneLine
from db.retries import run_sync_in_transaction

SINCE = datetime.now(UTC) - timedelta(days=1)
ROOT = Path(__file__).resolve().parents[2]
PLACEHOLDER = re.compile(r"\[(?:AD|TELEFON|EPOSTA|ADRES|IBAN)_\d+\]")


async def _say(runtime: AgentRuntime, chat_id: str, customer_id: int, text: str) -> None:
    request = ChatRequest(message=text, chat_id=chat_id, customer_id=customer_id)
    async for _ in runtime.chat(request):
        pass


async def _export(
    database: Database, settings: Settings, rating: str = "all"
) -> list[dict[str, Any]]:
    return await run_sync_in_transaction(
        database.sessions,
        lambda connection: build_dialogues(connection, SINCE, rating, settings),
        what="test export",
    )


def _live_prompt(connection: Connection, chat_id: str, customer_id: int, settings: Settings) -> str:
    """The prompt the model gets for the chat's next turn, from the stored turns."""
    agent = settings.agent
    kept = trim_to_budget(
        load_turns(connection, chat_id),
        agent.history_token_budget,
        customer_id=customer_id,
        customer_hint=agent.customer_hint,
    )
    return render_prompt(
        turns_to_messages(kept, customer_id=customer_id, customer_hint=agent.customer_hint)
    )


async def test_an_exported_conversation_renders_the_live_prompt_byte_for_byte(
    runtime: AgentRuntime, database: Database, settings: Settings
) -> None:
    # A conversation without personal data: the export substitutes nothing in it.
    for text in ("faturam ne kadar", "kalan internetim ne kadar", "paketler neler"):
        await _say(runtime, "export-1", 1001, text)

    (dialogue,) = await _export(database, settings)

    assert dialogue["id"].startswith("telegram-")
    roles = [entry["rol"] for entry in dialogue["donguler"]]
    assert roles[0] == "kullanici"
    assert {"kullanici", "asistan", "arac"} <= set(roles)
    call_turns = [entry for entry in dialogue["donguler"] if entry["arac_cagrilari"]]
    assert call_turns[0]["arac_cagrilari"][0]["fonksiyon"] == "get_current_bill"
    assert call_turns[0]["arac_cagrilari"][0]["parametreler"]["user_id"] == 1001
    # Nothing personal was in it, so nothing was replaced.
    assert not PLACEHOLDER.search(json.dumps(dialogue, ensure_ascii=False))
    exported = render_prompt(
        turns_to_messages(dialogue_to_turns(dialogue), customer_id=None, customer_hint="none")
    )
    live = await run_sync_in_transaction(
        database.sessions,
        lambda connection: _live_prompt(connection, "export-1", 1001, settings),
        what="live prompt",
    )
    assert exported == live
    assert "ID: 1001" in exported  # the hint the live prompt carried (customer_hint: user_prefix)


async def test_ratings_choose_and_mark_conversations(
    runtime: AgentRuntime, database: Database, settings: Settings
) -> None:
    # Stored chat ids are Telegram's (numbers), as ratings name them.
    await _say(runtime, "77", 1002, "faturam ne kadar")
    await _say(runtime, "78", 1004, "faturam ne kadar")
    await _say(runtime, "79", 1001, "paketler neler")

    def rate(connection: Connection) -> None:
        question = connection.execute(
            select(ChatMessage.id).where(ChatMessage.chat_id == "77", ChatMessage.role == "user")
        ).scalar_one()
        remember_answer_messages(connection, 77, [500], question_id=question, shown_at=SINCE)
        rate_answer(connection, 77, 500, rating="good", source="reaction", rated_at=SINCE)

    await run_sync_in_transaction(database.sessions, rate, what="rate")

    good = await _export(database, settings, "good")
    everything = await _export(database, settings, "all")
    bad = await _export(database, settings, "bad")

    assert len(everything) == 3
    assert bad == []
    (rated,) = good
    assert rated["degerlendirme"] == "iyi"
    assert rated["donguler"][-1]["degerlendirme"] == "iyi"


async def test_no_demo_customer_phone_email_or_name_appears_in_an_export(
    runtime: AgentRuntime, database: Database, settings: Settings, tmp_path: Path
) -> None:
    async with database.sessions() as session:
        ahmet = await session.get(Customer, 1001)
        other = await session.get(Customer, 1005)
        customers = (await session.scalars(select(Customer))).all()
        numbers = (await session.scalars(select(PhoneLine.number))).all()
    assert ahmet is not None
    assert other is not None
    for text in (
        f"merhaba ben {ahmet.first_name} {ahmet.last_name}",
        "profil bilgilerimi göster",
        f"e-posta adresim {ahmet.email} doğru mu",
        f"{other.first_name} {other.last_name} kardeşimin numarası 0532 000 10 05",
        "e-posta adresimi yeni.adres@ornek.com.tr olarak değiştir",
    ):
        await _say(runtime, "export-pii", 1001, text)

    output = tmp_path / "training.json"
    command = ["export-training", "--since", SINCE.date().isoformat(), "--output", str(output)]
    # The operator's command, in its own process (it runs its own event loop).
    result = await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-m", "agent", *command],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": settings.database.url, "MODEL_BACKEND": "rules"},
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"1 conversations written to {output}"
    exported = output.read_text(encoding="utf-8")
    dialogues = json.loads(exported)
    assert len(dialogues) == 1
    words = set(re.findall(r"\w+", tr_lower(exported)))

    for number in numbers:
        national = number.removeprefix("+90")
        assert national not in exported.replace(" ", "")
    for customer in customers:
        if customer.email:
            assert tr_lower(customer.email) not in tr_lower(exported)
        assert tr_lower(customer.first_name) not in words, customer.first_name
        assert tr_lower(customer.last_name) not in words, customer.last_name
    assert "yeni.adres@ornek.com.tr" not in exported
    # Consistent: the customer's e-mail has one placeholder wherever it occurs.
    placeholders = re.findall(r"\[EPOSTA_\d+\]", exported)
    assert placeholders
    assert "[AD_1]" in exported
    assert "[TELEFON_" in exported


async def test_a_conversation_a_person_corrected_is_exported_with_the_persons_replies_marked(
    runtime: AgentRuntime, database: Database, settings: Settings
) -> None:
    await _say(runtime, "81", 1001, "faturam ne kadar")
    async with database.sessions() as session:
        ahmet = await session.get(Customer, 1001)
    assert ahmet is not None
    agent_reply = (
        f"Merhaba {ahmet.first_name} Bey, yurt dışı ücretini iade ettim. Bir sorun olursa "
        f"0532 000 10 01 numarasından ya da {ahmet.email} adresinden size ulaşacağız."
    )

    def hand_off(connection: Connection) -> None:
        handoff_id = open_handoff(
            connection,
            customer_chat_id=81,
            customer_id=1001,
            support_chat_id=-1001,
            topic_id=7,
            reason="requested",
        )
        record_relayed(connection, handoff_id, sender="customer", text="faturamdaki ücret yanlış")
        record_relayed(connection, handoff_id, sender="agent", text=agent_reply, agent_user_id=5)
        # The customer's thanks nobody answered ends nothing the trainer could learn from.
        record_relayed(connection, handoff_id, sender="customer", text="teşekkürler")

    await run_sync_in_transaction(database.sessions, hand_off, what="hand off")

    (dialogue,) = await _export(database, settings)

    assert dialogue["duzeltildi"] is True
    *model_part, asked, corrected = dialogue["donguler"]
    assert asked == {"rol": "kullanici", "icerik": "faturamdaki ücret yanlış", "arac_cagrilari": []}
    assert corrected["rol"] == "asistan"
    assert corrected["insan"] is True
    assert not any(entry.get("insan") for entry in model_part)
    assert model_part[-1]["rol"] == "asistan"  # the model's answer came before the person's
    text = corrected["icerik"]
    assert "yurt dışı ücretini iade ettim" in text
    assert ahmet.first_name not in text
    assert "0532" not in text
    assert (ahmet.email or "@") not in text
    assert "[AD_" in text
    assert "[TELEFON_" in text
    assert "[EPOSTA_" in text
    # The person's words never reach the history the model reads.
    live = await run_sync_in_transaction(
        database.sessions,
        lambda connection: _live_prompt(connection, "81", 1001, settings),
        what="live prompt",
    )
    assert "iade ettim" not in live
