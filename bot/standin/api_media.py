"""Bot API methods for files: ``sendDocument``, ``sendPhoto`` and ``getFile``.

Files are stored, not rendered. A file given by URL is recorded without being
fetched (nothing outside loopback is reachable from a test).
"""

from __future__ import annotations

from urllib.parse import urlparse

from bot.standin.api_error import CAPTION_TOO_LONG, bad_request
from bot.standin.image_info import image_size
from bot.standin.message_lookup import reply_target
from bot.standin.records import JsonObject, StoredFile
from bot.standin.reply_markup import read_reply_markup
from bot.standin.request_params import Params, UploadedFile
from bot.standin.state import StandinState
from bot.standin.telegram_json import document_json, photo_json
from bot.standin.text_rules import CAPTION_LIMIT, TextLimits, read_formatted_text

CAPTION_TEXT = TextLimits(CAPTION_LIMIT, too_long=CAPTION_TOO_LONG, empty=None)


def _store_input_file(
    state: StandinState, value: UploadedFile | str | None, *, field: str
) -> StoredFile:
    """Store an uploaded file, or resolve a file_id / URL given instead."""
    if value is None:
        raise bad_request(f"there is no {field} in the request")
    if isinstance(value, UploadedFile):
        if not value.content:
            raise bad_request("file must be non-empty")
        return state.store_file(value.content, file_name=value.file_name, mime_type=value.mime_type)
    if value in state.files:
        return state.files[value]
    url = urlparse(value)
    if url.scheme in ("http", "https") and url.netloc:
        name = url.path.rsplit("/", 1)[-1] or None
        return state.store_file(b"", file_name=name, mime_type=None)
    raise bad_request("wrong file identifier/HTTP URL specified")


async def _send_file(state: StandinState, params: Params, *, field: str) -> JsonObject:
    chat = state.chat_for_bot(params.chat_id())
    caption = read_formatted_text(
        params.text("caption"),
        parse_mode=params.text("parse_mode"),
        entities=params.json_value("caption_entities"),
        limits=CAPTION_TEXT,
    )
    markup = read_reply_markup(params.json_value("reply_markup"))
    reply_to = reply_target(chat, params)
    stored = _store_input_file(state, params.upload(field), field=field)
    if field == "photo":
        if stored.content and image_size(stored.content) is None:
            raise bad_request("IMAGE_PROCESS_FAILED")
        attachment: JsonObject = {"photo": photo_json(stored)}
    else:
        attachment = {"document": document_json(stored)}
    state.flood.admit(chat.id, is_group=chat.is_group)
    message = state.add_bot_message(
        chat,
        caption=caption.text or None,
        caption_entities=caption.entities,
        attachment=attachment,
        reply_markup=markup,
        reply_to_message_id=reply_to,
    )
    return state.render_message(message)


async def send_document(state: StandinState, params: Params) -> JsonObject:
    """``sendDocument``: caption up to 1024 characters; counts for flood control."""
    return await _send_file(state, params, field="document")


async def send_photo(state: StandinState, params: Params) -> JsonObject:
    """``sendPhoto``: like a document, but the upload must be a JPEG, PNG, GIF or WebP."""
    return await _send_file(state, params, field="photo")


async def get_file(state: StandinState, params: Params) -> JsonObject:
    """``getFile``: where to download a stored file."""
    stored = state.files.get(params.text("file_id", required=True) or "")
    if stored is None:
        raise bad_request("invalid file_id")
    return {
        "file_id": stored.file_id,
        "file_unique_id": stored.file_unique_id,
        "file_size": len(stored.content),
        "file_path": stored.file_path,
    }


HANDLERS = {
    "sendDocument": send_document,
    "sendPhoto": send_photo,
    "getFile": get_file,
}
