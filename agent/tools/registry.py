"""Tools as typed async functions, and the immutable registry that holds them.

A tool is declared once, as a function::

    @tool(needs_customer=True)
    async def get_current_bill(ctx: ToolContext, user_id: UserId) -> dict[str, Any]:
        \"\"\"Müşterinin güncel faturasını getirir.\"\"\"

The first docstring line is the Turkish description the model sees; the
parameters' JSON schema and validation are derived from the signature.
A tool with side effects names a *preview* function of the same signature
(``confirm_with=``): it checks the business rules without writing and says in
Turkish what the confirmed call will do.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable, Iterator, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from agent.tools.arguments import arguments_model, parameters_schema, validate_arguments

if TYPE_CHECKING:
    from agent.tools.context import ToolContext

ToolFunction = Callable[..., Awaitable[dict[str, Any]]]


@dataclass(frozen=True)
class Preview:
    """What a side-effecting call will do once confirmed.

    ``summary`` is Turkish, for the customer. ``arguments`` are the exact
    arguments the confirmed call runs with (for example the bill an omitted
    ``bill_id`` resolved to), so it does what the summary said.
    """

    summary: str
    arguments: dict[str, Any]


PreviewFunction = Callable[..., Awaitable[Preview]]


@dataclass(frozen=True)
class Tool:
    """One tool: its function, derived argument model and flags."""

    name: str
    description: str
    function: ToolFunction
    arguments_model: type[BaseModel]
    needs_customer: bool
    preview: PreviewFunction | None = None

    @property
    def side_effect(self) -> bool:
        """Whether the tool changes the account and so needs the customer's confirmation."""
        return self.preview is not None

    @property
    def takes_user_id(self) -> bool:
        return "user_id" in self.arguments_model.model_fields

    def schema(self) -> dict[str, Any]:
        """Name, description, JSON schema of the parameters and the two flags."""
        return {
            "name": self.name,
            "description": self.description,
            "parameters": parameters_schema(self.arguments_model),
            "side_effect": self.side_effect,
            "needs_customer": self.needs_customer,
        }

    def validate(self, arguments: Mapping[str, Any]) -> dict[str, Any]:
        """Coerced arguments; raises ToolError (Turkish message) for bad ones."""
        return validate_arguments(self.arguments_model, arguments)

    async def run(self, ctx: ToolContext, arguments: Mapping[str, Any]) -> dict[str, Any]:
        """Run with already validated arguments; returns the contract result."""
        return await self.function(ctx, **arguments)

    async def plan(self, ctx: ToolContext, arguments: Mapping[str, Any]) -> Preview:
        """Check a side-effecting call without writing; raises ToolError if it cannot run."""
        if self.preview is None:
            raise TypeError(f"{self.name} has no side effect to preview")
        return await self.preview(ctx, **arguments)


def tool(
    *, needs_customer: bool, confirm_with: PreviewFunction | None = None
) -> Callable[[ToolFunction], Tool]:
    """Declare a tool; ``confirm_with`` (a preview) makes it side-effecting."""

    def declare(function: ToolFunction) -> Tool:
        doc = inspect.getdoc(function)
        if not doc:
            raise TypeError(f"tool {function.__name__} needs a Turkish one-line docstring")
        if confirm_with is not None:
            _check_same_parameters(function, confirm_with)
        return Tool(
            name=function.__name__,
            description=doc.splitlines()[0],
            function=function,
            arguments_model=arguments_model(function.__name__, function),
            needs_customer=needs_customer,
            preview=confirm_with,
        )

    return declare


def _check_same_parameters(function: Callable[..., Any], preview: Callable[..., Any]) -> None:
    ours = list(inspect.signature(function).parameters)
    theirs = list(inspect.signature(preview).parameters)
    if ours != theirs:
        raise TypeError(f"preview of {function.__name__} must take {ours}, takes {theirs}")


@dataclass(frozen=True)
class Registry:
    """An immutable, name-keyed set of tools."""

    tools: Mapping[str, Tool] = field(default_factory=lambda: MappingProxyType({}))

    @classmethod
    def of(cls, *tools: Tool) -> Registry:
        """A registry of ``tools``; two tools of one name are a programming error."""
        by_name: dict[str, Tool] = {}
        for item in tools:
            if item.name in by_name:
                raise ValueError(f"tool {item.name} registered twice")
            by_name[item.name] = item
        return cls(MappingProxyType(by_name))

    def get(self, name: str) -> Tool | None:
        return self.tools.get(name)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(self.tools)

    def schemas(self) -> list[dict[str, Any]]:
        """Every tool's :meth:`Tool.schema`, in registration order."""
        return [item.schema() for item in self.tools.values()]

    def __iter__(self) -> Iterator[Tool]:
        return iter(self.tools.values())

    def __len__(self) -> int:
        return len(self.tools)

    def __contains__(self, name: object) -> bool:
        return name in self.tools
