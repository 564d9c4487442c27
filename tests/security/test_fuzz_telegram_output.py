"""Fuzzing what reaches Telegram: whatever the model, the rules or a tool produce.

The oracle is the Telegram stand-in's own text check (``read_formatted_text``
with ``sendMessage``'s limits: Telegram's HTML subset, not empty, at most 4096
UTF-16 code units after parsing). Every generated message must pass it, so
the bot never sends HTML Telegram would reject or a message it would refuse
as too long, and no visible text is lost on the way. The functions under
test are the ones the bot calls: the tool-call parser and the rules router
produce text, ``bot.rendering`` escapes and splits it, ``bot.views`` build the
cards, ``bot.streaming`` cuts previews.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from agent.events import ActionOutcome, ConfirmationRequested
from agent.protocol import parse_output
from agent.protocol.tags import TAG_PATTERN, neutralise_tags
from agent.rules.router import RulesEngine
from agent.rules.tool_contract import PARAMETERS
from agent.status import ModelServiceStatus, SystemStatus
from agent.turns import ChatTurn, ToolCall
from bot import texts
from bot.rendering import escape, split_message
from bot.standin.api_error import ApiError
from bot.standin.api_messages import DRAFT_TEXT, MESSAGE_TEXT
from bot.standin.text_entities import FormattedText
from bot.standin.text_rules import read_formatted_text
from bot.streaming import fit_preview
from bot.views.admin import admin_card
from bot.views.bill import bill_card
from bot.views.confirmation import confirmation_card, resolved_card
from bot.views.line_status import line_status_card

TELEGRAM_LIMIT = 4096
CUSTOMER = 1001
FUZZ = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Characters that break naive renderers: markup, references, emoji (two UTF-16
# units), Turkish letters, line and paragraph breaks, odd whitespace, controls.
_TRICKY = "<>&\"';/\\bi aıİğşÇ😀🇹🇷\n\n\r\t\u00a0\u2028\u200b\x00#"
tricky_text = st.text(alphabet=st.sampled_from(_TRICKY), max_size=300)
any_text = st.text(max_size=300) | tricky_text
# Long texts around and far beyond the limit, cheaply: a drawn piece repeated.
long_text = st.builds(
    lambda piece, times: piece * times,
    st.text(alphabet=st.sampled_from(_TRICKY), min_size=1, max_size=12) | st.text(min_size=1),
    st.integers(min_value=300, max_value=2500),
)
texts_of_all_sizes = any_text | long_text


def telegram_accepts(html_text: str) -> FormattedText:
    """What Telegram would show for ``sendMessage(text, parse_mode="HTML")``; fails if refused."""
    try:
        return read_formatted_text(html_text, parse_mode="HTML", entities=None, limits=MESSAGE_TEXT)
    except ApiError as error:  # the test fails with Telegram's own reason
        raise AssertionError(f"Telegram would refuse {html_text[:200]!r}: {error}") from error


def sent_messages(html_text: str) -> list[FormattedText]:
    """The messages ``bot.delivery.send_html`` sends for ``html_text``, as Telegram reads them."""
    parts = split_message(html_text)
    shown = [telegram_accepts(part) for part in parts]
    for message in shown:
        assert message.text.strip()
        assert message.length <= TELEGRAM_LIMIT
    return shown


def answer_html(answer: str) -> str:
    """The HTML the bot sends for the agent's final answer (``bot.conversation``)."""
    answer = answer.strip()
    return escape(answer) if answer else texts.EMPTY_ANSWER


def assert_delivered_whole(answer: str) -> None:
    """The answer arrives as valid messages and no visible character is lost."""
    shown = sent_messages(answer_html(answer))
    assert shown, "a non-empty answer must produce at least one message"
    if answer.strip():
        received = "".join(message.text for message in shown)
        assert "".join(received.split()) == "".join(answer.split())


# -- the agent's answer, from any model output -----------------------------------


@FUZZ
@given(texts_of_all_sizes)
def test_any_answer_text_is_sent_as_valid_messages_without_loss(answer: str) -> None:
    assert_delivered_whole(answer)


@FUZZ
@given(texts_of_all_sizes)
def test_any_model_output_shows_only_text_telegram_accepts(output: str) -> None:
    parsed = parse_output(output)
    shown = "".join(parsed.text_segments)
    assert TAG_PATTERN.search(shown) is None
    assert_delivered_whole(shown)


# -- the rules router, from any customer message or tool result -----------------


@FUZZ
@given(texts_of_all_sizes)
def test_any_customer_message_gets_a_rules_reply_telegram_accepts(message: str) -> None:
    reply = RulesEngine().respond([ChatTurn("user", message)], CUSTOMER)
    assert reply.text or reply.tool_calls
    shown = neutralise_tags(reply.text)  # what the rules backend streams
    assert TAG_PATTERN.search(shown) is None
    assert_delivered_whole(shown)


json_scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | any_text
json_values = st.recursive(
    json_scalars,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=12,
)


@st.composite
def tool_results(draw: st.DrawFn) -> tuple[str, dict[str, Any]]:
    """A tool and a result in roughly its shape, with any values in its fields."""
    tool = draw(st.sampled_from(sorted(PARAMETERS)))
    keys = st.sampled_from(
        [
            "name", "address", "email", "bill_id", "amount", "status", "services",
            "service_name", "package_name", "description", "technician_notes", "resolution",
            "region", "issue", "outages", "bills", "payments", "new_value", "summary",
            "features", "message", "error", "success", "data", "from_package", "to_package",
        ]
    )  # fmt: skip
    result = draw(st.dictionaries(keys, json_values, max_size=8))
    if draw(st.booleans()):
        result = {"success": False, "error": {"code": draw(any_text), "message": draw(any_text)}}
    return tool, result


@FUZZ
@given(tool_results(), any_text)
def test_any_tool_result_gets_a_rules_answer_telegram_accepts(
    case: tuple[str, dict[str, Any]], question: str
) -> None:
    tool, result = case
    turns = [
        ChatTurn("user", question),
        ChatTurn("assistant", "", (ToolCall(tool, {}),)),
        ChatTurn("tool", json.dumps(result, ensure_ascii=False)),
    ]
    reply = RulesEngine().respond(turns, CUSTOMER)
    assert reply.text
    shown = neutralise_tags(reply.text)
    assert TAG_PATTERN.search(shown) is None
    sent_messages(answer_html(shown))


# -- cards built from tool results and agent events -----------------------------

money = st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False).map(float)
days = st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31)).map(date.isoformat)
statuses = st.sampled_from(["unpaid", "paid", "overdue"]) | any_text


@FUZZ
@given(
    st.fixed_dictionaries(
        {
            "bill_id": any_text,
            "bill_date": days,
            "due_date": days,
            "status": statuses,
            "amount": money,
            "services": st.lists(
                st.fixed_dictionaries({"service_name": texts_of_all_sizes, "amount": money}),
                max_size=40,
            ),
        }
    )
)
def test_any_bill_card_is_sent_as_valid_messages(bill: dict[str, Any]) -> None:
    sent_messages(bill_card(bill))


quantities = st.floats(min_value=0, max_value=10**6, allow_nan=False) | st.integers(0, 10**6)


@FUZZ
@given(
    package=st.fixed_dictionaries(
        {
            "package_name": texts_of_all_sizes,
            "monthly_fee": money,
            "renewal_date": days,
            "features": st.fixed_dictionaries(
                {"internet_gb": quantities, "voice_minutes": quantities, "sms_count": quantities}
            ),
        }
    ),
    quotas=st.fixed_dictionaries(
        {
            "internet_remaining_gb": quantities,
            "voice_remaining_minutes": quantities,
            "sms_remaining": quantities,
            "period_end": days,
            "usage_percentage": st.fixed_dictionaries(
                {
                    "internet": st.floats(0, 100),
                    "voice": st.floats(0, 100),
                    "sms": st.floats(0, 100),
                }
            ),
        }
    ),
    line_status=statuses,
)
def test_any_line_status_card_is_sent_as_valid_messages(
    package: dict[str, Any], quotas: dict[str, Any], line_status: str
) -> None:
    profile = {
        "phone_numbers": [{"number": "+905320001001", "type": "primary", "status": line_status}]
    }
    sent_messages(line_status_card(package, quotas, profile))


expiries = st.datetimes(
    min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)
)


@FUZZ
@given(
    texts_of_all_sizes,
    expiries,
    any_text,
    st.sampled_from(sorted(texts.CONFIRMATION_OUTCOME_MARKS)),
)
def test_confirmation_cards_are_valid_single_messages(
    summary: str, expires_at: datetime, outcome_message: str, status: Any
) -> None:
    request = ConfirmationRequested(
        confirmation_id="c0nf1rm", tool="pay_bill", summary=summary, expires_at=expires_at
    )
    card = confirmation_card(request)
    sent_messages(card)
    # The outcome is edited into the card (one message, editMessageText's limits).
    resolved = resolved_card(card, ActionOutcome(status=status, message=outcome_message))
    telegram_accepts(resolved)


@FUZZ
@given(any_text, any_text, any_text, st.one_of(st.none(), texts_of_all_sizes))
def test_the_admin_card_is_sent_as_valid_messages(
    model_name: str, state: str, device: str, error: str | None
) -> None:
    status = SystemStatus(
        model_hizmeti=ModelServiceStatus(
            model_adi=model_name,
            model_loaded=False,
            backend="rules",
            state=state,
            device=device,
            quantization="none",
            error=error,
            reason=error,
        ),
        arac_sayisi=19,
        uptime_s=12.5,
    )
    sent_messages(admin_card(status))


# -- streaming previews ------------------------------------------------------------


@FUZZ
@given(texts_of_all_sizes)
def test_a_preview_of_any_text_is_a_valid_draft(written: str) -> None:
    preview = fit_preview(written.strip())
    shown = read_formatted_text(preview, parse_mode=None, entities=None, limits=DRAFT_TEXT)
    assert shown.length <= TELEGRAM_LIMIT
    if written.strip():
        # The newest text is what the customer reads while it is written.
        assert written.strip().endswith(preview.removeprefix("…")[-50:])
