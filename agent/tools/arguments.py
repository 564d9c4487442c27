"""A tool's arguments: a pydantic model derived from its signature, and Turkish errors.

The model coerces what a language model typically writes (``"12"`` for 12,
``"evet"`` for true, ``"Kredi Kartı"`` for ``credit_card``) and rejects the
rest; :func:`validate_arguments` turns pydantic's complaint into a
:class:`ToolError` with a contract code and a Turkish message.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from typing import Any, get_type_hints

from pydantic import BaseModel, ConfigDict, ValidationError, create_model
from pydantic_core import ErrorDetails

from agent.tools import errors
from agent.tools.errors import ToolError
from agent.tools.params import ParamInfo
from core.turkish import tr_capitalize

_ARGUMENT_CONFIG = ConfigDict(
    extra="forbid",
    str_strip_whitespace=True,
    coerce_numbers_to_str=True,
)


def arguments_model(name: str, function: Callable[..., Any]) -> type[BaseModel]:
    """A pydantic model of ``function``'s parameters after the leading context."""
    hints = get_type_hints(function, include_extras=True)
    fields: dict[str, Any] = {}
    for parameter in list(inspect.signature(function).parameters.values())[1:]:
        default = ... if parameter.default is inspect.Parameter.empty else parameter.default
        fields[parameter.name] = (hints[parameter.name], default)
    return create_model(f"{name}_arguments", __config__=_ARGUMENT_CONFIG, **fields)


def parameters_schema(model: type[BaseModel]) -> dict[str, Any]:
    """The JSON schema of the arguments, trimmed of pydantic's titles and null branches."""
    schema = model.model_json_schema()
    properties = {name: _simplify(prop) for name, prop in schema.get("properties", {}).items()}
    result: dict[str, Any] = {"type": "object", "properties": properties}
    if schema.get("required"):
        result["required"] = schema["required"]
    result["additionalProperties"] = False
    return result


def _simplify(prop: dict[str, Any]) -> dict[str, Any]:
    prop = {key: value for key, value in prop.items() if key != "title"}
    branches = prop.pop("anyOf", None)
    if branches is not None:
        # An optional parameter: describe the non-null branch; absence means null.
        non_null = [branch for branch in branches if branch.get("type") != "null"]
        if len(non_null) == 1:
            prop = {**non_null[0], **prop}
        else:
            prop["anyOf"] = branches
    if prop.get("default", ...) is None:
        del prop["default"]
    return prop


def validate_arguments(model: type[BaseModel], arguments: Mapping[str, Any]) -> dict[str, Any]:
    """The coerced arguments, or a ToolError naming the first bad one in Turkish."""
    try:
        return model.model_validate(dict(arguments)).model_dump()
    except ValidationError as exc:
        raise _tool_error(model, exc.errors()) from None


def _tool_error(model: type[BaseModel], problems: list[ErrorDetails]) -> ToolError:
    first = problems[0]
    name = str(first["loc"][0]) if first["loc"] else ""
    field = model.model_fields.get(name)
    if field is None:
        # Not a parameter of this tool at all.
        return ToolError(
            errors.INVALID_ARGUMENT,
            f"'{name}' bu işlem için geçerli bir bilgi değil.",
            {"argument": name},
        )
    info = next((item for item in field.metadata if isinstance(item, ParamInfo)), None)
    info = info or ParamInfo(name)
    details = {"argument": name, "problem": first["type"]}
    return ToolError(info.error_code, _problem_message(info, first), details)


def _problem_message(info: ParamInfo, problem: ErrorDetails) -> str:
    label = tr_capitalize(info.label)
    kind = problem["type"]
    context = problem.get("ctx") or {}
    value = problem.get("input")
    if kind == "missing":
        return f"{label} belirtilmedi."
    if kind == "literal_error":
        return info.invalid_message or f"{label} için geçersiz değer: {value!r}."
    if kind in {"int_parsing", "int_type", "int_from_float"}:
        return f"{label} bir tam sayı olmalı."
    if kind in {"bool_parsing", "bool_type"}:
        return f"{label} için 'evet' ya da 'hayır' (true/false) belirtin."
    if kind == "string_too_short":
        return f"{label} boş ya da çok kısa olamaz."
    if kind == "string_too_long":
        return f"{label} en fazla {context.get('max_length')} karakter olabilir."
    if kind in {"greater_than_equal", "greater_than"}:
        return f"{label} en az {context.get('ge', context.get('gt'))} olmalı."
    if kind in {"less_than_equal", "less_than"}:
        return f"{label} en fazla {context.get('le', context.get('lt'))} olabilir."
    return f"{label} için geçersiz değer."
