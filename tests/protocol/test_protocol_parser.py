"""parse_output on every case of the model format reference, and on broken output."""

from __future__ import annotations

import pytest

from agent.protocol import INVALID_TOOL_CALL, parse_output
from agent.turns import ToolCall

BEGIN = "<|begin_of_tool_code|>"
END = "<|end_of_tool_code|>"


def block(*lines: str) -> str:
    return "\n".join([BEGIN, *lines, END])


def only_call(text: str) -> ToolCall:
    parsed = parse_output(text)
    assert parsed.problems == ()
    assert len(parsed.calls) == 1
    return parsed.calls[0]


# --- call forms -------------------------------------------------------------


@pytest.mark.parametrize(
    "line",
    [
        "print(get_current_bill(user_id=5108))",
        "get_current_bill(user_id=5108)",
        "  print ( get_current_bill ( user_id = 5108 ) )  ",
    ],
)
def test_print_wrapped_and_bare_calls(line: str) -> None:
    assert only_call(block(line)) == ToolCall("get_current_bill", {"user_id": 5108})


def test_call_on_one_line_with_the_tags_as_a_small_model_wrote_it() -> None:
    text = "<|begin_of_tool_code|>get_current_bill(customer_id=1001)<|end_of_tool_code|>"
    assert only_call(text) == ToolCall("get_current_bill", {"customer_id": 1001})


def test_several_calls_in_one_block_keep_their_order() -> None:
    parsed = parse_output(
        block(
            "print(get_current_bill(user_id=5108))",
            'print(get_package_details(package_name="Süper Konuşma"))',
            "print(get_remaining_quotas(user_id=5108)); get_available_packages()",
        )
    )
    assert [call.name for call in parsed.calls] == [
        "get_current_bill",
        "get_package_details",
        "get_remaining_quotas",
        "get_available_packages",
    ]
    assert parsed.tool_blocks == 1


def test_several_blocks_and_the_text_around_them() -> None:
    text = (
        "Bir saniye, kontrol ediyorum.\n"
        + block("print(get_current_bill(user_id=5108))")
        + "\nArdından paketinize bakıyorum.\n"
        + block("print(get_customer_package(user_id=5108))")
        + "\nHepsi bu kadar."
    )
    parsed = parse_output(text)
    assert [call.name for call in parsed.calls] == ["get_current_bill", "get_customer_package"]
    assert parsed.tool_blocks == 2
    assert parsed.text_segments == (
        "Bir saniye, kontrol ediyorum.\n",
        "\nArdından paketinize bakıyorum.\n",
        "\nHepsi bu kadar.",
    )
    assert parsed.visible_text == (
        "Bir saniye, kontrol ediyorum.\nArdından paketinize bakıyorum.\nHepsi bu kadar."
    )


def test_plain_answer_has_no_calls() -> None:
    parsed = parse_output("Faturanız 1.234,56 TL; son ödeme tarihi 15 Aralık 2026.")
    assert parsed.calls == ()
    assert parsed.tool_blocks == 0
    assert parsed.visible_text == "Faturanız 1.234,56 TL; son ödeme tarihi 15 Aralık 2026."


def test_a_call_may_span_several_lines() -> None:
    text = block(
        "print(create_fault_ticket(",
        "    user_id=1001,",
        '    issue_description="İnternet kesiliyor",',
        "))",
    )
    assert only_call(text) == ToolCall(
        "create_fault_ticket", {"user_id": 1001, "issue_description": "İnternet kesiliyor"}
    )


def test_comments_and_markdown_fences_inside_a_block_are_ignored() -> None:
    text = block("```python", "# faturayı getir", "print(get_current_bill(user_id=1))", "```")
    assert only_call(text) == ToolCall("get_current_bill", {"user_id": 1})


# --- strings ----------------------------------------------------------------


@pytest.mark.parametrize(
    "literal",
    [
        '"Süper Konuşma"',
        "'Süper Konuşma'",
        '"S\\u00fcper Konu\\u015fma"',
        "'S\\u00fcper Konu\\u015fma'",
        "'S\\xfcper Konu\\u015fma'",
        "'S\\U000000fcper Konu\\u015fma'",
    ],
)
def test_quotes_and_escapes_give_the_same_text(literal: str) -> None:
    call = only_call(block(f"print(get_package_details(package_name={literal}))"))
    assert call.arguments == {"package_name": "Süper Konuşma"}


def test_escaped_quotes_inside_strings() -> None:
    call = only_call(
        block(r"""f(a="O \"Mega\" paket", b='Ali\'nin hattı', c="it's", d='say "hi"')""")
    )
    assert call.arguments == {
        "a": 'O "Mega" paket',
        "b": "Ali'nin hattı",
        "c": "it's",
        "d": 'say "hi"',
    }


def test_backslash_escapes_of_json_and_python() -> None:
    call = only_call(block(r'f(a="1\n2\t3\\4\/5", b="\ud83d\ude00", c="\q")'))
    assert call.arguments == {"a": "1\n2\t3\\4/5", "b": "😀", "c": "\\q"}


# --- values -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("literal", "value"),
    [
        ("true", True),
        ("True", True),
        ("false", False),
        ("False", False),
        ("null", None),
        ("None", None),
        ("12", 12),
        ("-7", -7),
        ("+3", 3),
        ("0.5", 0.5),
        ("-12.75", -12.75),
        (".5", 0.5),
        ("1e3", 1000.0),
        ("-2.5E-2", -0.025),
    ],
)
def test_scalar_values(literal: str, value: object) -> None:
    arguments = only_call(block(f"f(v={literal})")).arguments
    assert arguments == {"v": value}
    assert type(arguments["v"]) is type(value)


def test_nested_lists_and_dicts() -> None:
    text = block("""f(items=[1, [2, [3, []]], {"a": {'b': [True, null, -1.5]}}], empty={},)""")
    assert only_call(text).arguments == {
        "items": [1, [2, [3, []]], {"a": {"b": [True, None, -1.5]}}],
        "empty": {},
    }


# --- problems ---------------------------------------------------------------


def test_positional_argument_is_a_problem_and_other_calls_survive() -> None:
    parsed = parse_output(
        block("print(get_current_bill(5108))", "print(get_customer_package(user_id=5108))")
    )
    assert parsed.calls == (ToolCall("get_customer_package", {"user_id": 5108}),)
    assert [(p.reason, p.raw) for p in parsed.problems] == [
        ("positional_argument", "print(get_current_bill(5108))")
    ]


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("f(user_id=1, user_id=2)", "duplicate_argument"),
        ("f(x)", "positional_argument"),
        ("f(region=Ankara)", "invalid_value"),
        ("f(n=1e)", "invalid_value"),
        ("f(n=-)", "invalid_value"),
        ("f(d={1: 2})", "invalid_value"),
        ("f(a='kapanmayan)", "unterminated_string"),
        ("f(a=1 b=2)", "syntax"),
        ("f(a==1)", "syntax"),
        ("print(f(a=1)", "syntax"),
        ("Faturanıza bakıyorum", "not_a_call"),
        ("42", "not_a_call"),
        ("f(a=" + "[" * 40 + "]" * 40 + ")", "too_deeply_nested"),
    ],
)
def test_malformed_line_becomes_a_problem_with_its_raw_text(line: str, reason: str) -> None:
    parsed = parse_output(block(line, "print(get_current_bill(user_id=1))"))
    assert parsed.calls == (ToolCall("get_current_bill", {"user_id": 1}),)
    assert [(p.reason, p.raw) for p in parsed.problems] == [(reason, line)]


def test_problem_becomes_a_trained_error_result_for_the_model() -> None:
    problem = parse_output(block("print(get_current_bill(5108))")).problems[0]
    result = problem.to_error_result()
    assert result["success"] is False
    assert result["error"]["code"] == INVALID_TOOL_CALL
    assert result["error"]["details"] == {
        "reason": "positional_argument",
        "raw": "print(get_current_bill(5108))",
    }
    assert "adlarıyla" in result["error"]["message"]


def test_long_raw_text_is_shortened_in_the_error_result() -> None:
    line = "f(a=" + "x" * 1000 + ")"
    problem = parse_output(block(line)).problems[0]
    assert problem.raw == line
    assert len(problem.to_error_result()["error"]["details"]["raw"]) < 310


# --- truncation and tags ----------------------------------------------------


def test_block_left_open_yields_its_complete_calls() -> None:
    text = (
        "Bakıyorum.\n<|begin_of_tool_code|>\n"
        "print(get_current_bill(user_id=5108))\n"
        'print(get_package_details(package_name="Süper'
    )
    parsed = parse_output(text)
    assert parsed.calls == (ToolCall("get_current_bill", {"user_id": 5108}),)
    assert [(p.reason, p.raw) for p in parsed.problems] == [
        ("incomplete_call", 'print(get_package_details(package_name="Süper')
    ]
    assert parsed.visible_text == "Bakıyorum."


def test_block_left_open_after_a_complete_call_has_no_problem() -> None:
    parsed = parse_output("<|begin_of_tool_code|>\nprint(get_current_bill(user_id=5108))\n")
    assert parsed.calls == (ToolCall("get_current_bill", {"user_id": 5108}),)
    assert parsed.problems == ()


@pytest.mark.parametrize(
    "begin",
    [
        "<|begin_of_tool_code|>",
        "<begin_of_tool_code|>",
        "<|begin_of_tool_code>",
        "<begin_of_tool_code>",
    ],
)
@pytest.mark.parametrize(
    "end",
    ["<|end_of_tool_code|>", "<end_of_tool_code|>", "<|end_of_tool_code>", "<end_of_tool_code>"],
)
def test_tags_with_a_missing_bar(begin: str, end: str) -> None:
    parsed = parse_output(f"Önce{begin}get_current_bill(user_id=7){end}Sonra")
    assert parsed.calls == (ToolCall("get_current_bill", {"user_id": 7}),)
    assert parsed.text_segments == ("Önce", "Sonra")


def test_stray_end_tag_is_not_shown_to_the_user() -> None:
    parsed = parse_output("Faturanız ödendi.<|end_of_tool_code|>")
    assert parsed.visible_text == "Faturanız ödendi."
    assert parsed.tool_blocks == 0


def test_second_begin_tag_inside_a_block_starts_a_new_block() -> None:
    text = f"{BEGIN}\nprint(f(a=1))\n{BEGIN}\nprint(g(b=2))\n{END}"
    parsed = parse_output(text)
    assert parsed.calls == (ToolCall("f", {"a": 1}), ToolCall("g", {"b": 2}))
    assert parsed.tool_blocks == 2


def test_unterminated_string_does_not_swallow_the_end_tag() -> None:
    parsed = parse_output(block('print(f(a="açık kalan))') + "Görünen metin")
    assert parsed.visible_text == "Görünen metin"
    assert [p.reason for p in parsed.problems] == ["unterminated_string"]


def test_empty_block() -> None:
    parsed = parse_output(f"{BEGIN}\n{END}")
    assert (parsed.calls, parsed.problems, parsed.tool_blocks) == ((), (), 1)
