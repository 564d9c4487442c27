"""Reading a Bot API call's parameters, however the client sent them.

Telegram accepts a query string, ``application/json``, form-encoded and
multipart bodies. python-telegram-bot sends form-encoded values (numbers as
``"123"``, objects such as ``reply_markup`` as JSON text) and switches to
multipart when it uploads a file. :class:`Params` hides the difference:
``params.integer("chat_id")`` works for ``123`` and ``"123"`` alike.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from starlette.datastructures import UploadFile
from starlette.requests import Request

from bot.standin.api_error import ApiError, bad_request

ATTACH_PREFIX = "attach://"


@dataclass(frozen=True)
class UploadedFile:
    """A file part of a multipart request."""

    content: bytes
    file_name: str | None
    mime_type: str | None


class Params:
    """Typed access to one call's parameters; wrong types become Telegram's 400s."""

    def __init__(self, values: dict[str, object], uploads: dict[str, UploadedFile]) -> None:
        self._values = values
        self._uploads = uploads

    def names(self) -> list[str]:
        """Parameter names present, for logs (values may hold customer data)."""
        return sorted({*self._values, *self._uploads})

    def text(self, name: str, *, required: bool = False) -> str | None:
        """A string parameter; numbers are accepted and turned into text."""
        value = self._values.get(name)
        if value is None or value == "":
            if required:
                raise bad_request(f"{name} is empty")
            return None if value is None else ""
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            raise bad_request(f'field "{name}" must be of type String')
        return str(value)

    def integer(self, name: str, *, required: bool = False) -> int | None:
        """An integer parameter given as a number or as decimal text."""
        value = self._values.get(name)
        if value is None or value == "":
            if required:
                raise bad_request(f"{name} is empty")
            return None
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        if isinstance(value, str):
            try:
                return int(value.strip())
            except ValueError:
                pass
        raise bad_request(f'field "{name}" must be of type Integer')

    def number(self, name: str) -> float | None:
        """A numeric parameter such as ``timeout``."""
        value = self._values.get(name)
        if value is None or value == "":
            return None
        if isinstance(value, int | float) and not isinstance(value, bool):
            return float(value)
        if isinstance(value, str):
            try:
                return float(value.strip())
            except ValueError:
                pass
        raise bad_request(f'field "{name}" must be of type Number')

    def flag(self, name: str) -> bool:
        """A Boolean parameter (``true``/``false``, ``1``/``0`` or JSON booleans)."""
        value = self._values.get(name)
        if isinstance(value, str):
            return value.strip().lower() in ("true", "1")
        return bool(value)

    def json_value(self, name: str) -> object:
        """An object or array parameter, decoding JSON text when needed."""
        value = self._values.get(name)
        if not isinstance(value, str):
            return value
        if value == "":
            return None
        try:
            return json.loads(value)
        except ValueError as error:
            raise bad_request(f"can't parse {name} JSON object") from error

    def chat_id(self) -> int | str:
        """The required ``chat_id``: an integer or an ``@username``."""
        value = self._values.get("chat_id")
        if isinstance(value, str) and value.startswith("@"):
            return value
        chat_id = self.integer("chat_id", required=True)
        assert chat_id is not None  # required=True raised otherwise
        return chat_id

    def upload(self, name: str) -> UploadedFile | str | None:
        """A file parameter: an uploaded part, or a file_id / URL string."""
        if name in self._uploads:
            return self._uploads[name]
        value = self.text(name)
        if value is not None and value.startswith(ATTACH_PREFIX):
            return self._uploads.get(value.removeprefix(ATTACH_PREFIX))
        return value


async def read_params(request: Request) -> Params:
    """Collect the query string and body of a Bot API request."""
    values: dict[str, object] = dict(request.query_params)
    uploads: dict[str, UploadedFile] = {}
    content_type = request.headers.get("content-type", "").lower()
    if content_type.startswith("application/json"):
        body = await request.body()
        if body.strip():
            values.update(_json_object(body))
    elif content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        try:
            async with request.form() as form:
                for key, value in form.multi_items():
                    if isinstance(value, UploadFile):
                        uploads[key] = UploadedFile(
                            await value.read(), value.filename, value.content_type
                        )
                    else:
                        values[key] = value
        except ApiError:
            raise
        except Exception as error:  # malformed multipart bodies raise assorted errors
            raise bad_request("can't parse request body") from error
    return Params(values, uploads)


def _json_object(body: bytes) -> dict[str, object]:
    try:
        decoded = json.loads(body)
    except ValueError as error:
        raise bad_request("can't parse JSON encoded request body") from error
    if not isinstance(decoded, dict):
        raise bad_request("JSON object expected as request body")
    return decoded
