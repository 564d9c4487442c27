"""Turkish texts of the human handoff: to the customer, and into the support topic.

Telegram HTML like ``bot.texts``: fixed parts may use tags; every value filled
into a ``{placeholder}`` is escaped by the caller (``bot.rendering.escape``).
"""

from __future__ import annotations

COMMAND_NAME = "temsilci"

# -- to the customer ------------------------------------------------------------

OFFER_BUTTON = "Temsilciye bağlan"
OFFER_AFTER_FAILURES = (
    "Sorununuzu çözemediğim için üzgünüm. İsterseniz sizi bir müşteri temsilcisine bağlayabilirim."
)
OFFER_AFTER_BAD_RATING = (
    "Yanıtım işinize yaramadıysa üzgünüm. İsterseniz sizi bir müşteri temsilcisine bağlayabilirim."
)
CONNECTING = (
    "Sizi bir müşteri temsilcisine aktardım. Temsilcimiz birazdan buradan yazacak; "
    "bu sırada yazdıklarınızı ona iletiyorum. Bu görüşme sürerken asistan yanıt vermez."
)
ALREADY_CONNECTED = (
    "Bir müşteri temsilcisiyle görüşmeniz sürüyor; yazdıklarınızı temsilcimize iletiyorum."
)
AGENT_JOINED = "✅ Bir müşteri temsilcisi görüşmeye katıldı."
FROM_AGENT = "👤 <b>Müşteri temsilcisi:</b>\n{text}"
ONLY_TEXT_RELAYED = (
    "Şimdilik temsilcimize yalnızca yazılı mesajlarınızı iletebiliyorum; "
    "lütfen sorununuzu yazarak anlatın."
)
CLOSED_BY_AGENT = (
    "Müşteri temsilcimiz görüşmeyi sonlandırdı. Bundan sonra yine Telekom Asistan olarak "
    "ben yanıtlıyorum; başka bir konuda yardımcı olabilir miyim?"
)
CLOSED_IDLE = (
    "Temsilci görüşmesinde {minutes} dakikadır mesaj olmadığı için görüşme kapandı. "
    "Bundan sonra yine Telekom Asistan olarak ben yanıtlıyorum; temsilciye yeniden "
    "ulaşmak için /temsilci yazabilirsiniz."
)
CALL_CENTRE = (
    "Şu anda sizi buradan bir müşteri temsilcisine bağlayamıyorum. Temsilcilerimize "
    "<b>{phone}</b> numaralı çağrı merkezimizden ulaşabilirsiniz. Ben de fatura, paket, "
    "kalan kullanım ve arıza konularında buradan yardımcı olmaya devam edebilirim."
)
SUPPORT_UNREACHABLE = (
    "Üzgünüm, şu anda sizi bir müşteri temsilcisine bağlayamadım. Lütfen biraz sonra "
    "/temsilci yazarak yeniden deneyin ya da <b>{phone}</b> numaralı çağrı merkezimizi arayın."
)
CONNECTION_LOST = (
    "Üzgünüm, müşteri temsilcimizle bağlantı kesildi ve mesajınızı iletemedim. Bundan sonra "
    "yine Telekom Asistan olarak ben yanıtlıyorum; temsilciye yeniden ulaşmak için "
    "/temsilci yazabilir ya da <b>{phone}</b> numaralı çağrı merkezimizi arayabilirsiniz."
)
OFFER_ONLY_PRIVATE = "Temsilciye bağlanmak için lütfen bana özelden yazın."
OFFER_PRESSED = "Sizi bir müşteri temsilcisine bağlıyorum…"

# -- into the support topic -------------------------------------------------------

TOPIC_NAME_LINKED = "Müşteri {customer_id} · {name}"
TOPIC_NAME_UNLINKED = "Hesabı bağlı değil · {name}"
FROM_CUSTOMER = "💬 <b>Müşteri:</b>\n{text}"
CUSTOMER_SENT_MEDIA = "ℹ️ Müşteri yazı dışında bir şey gönderdi ({kind}); iletilmedi."
SUMMARY_TITLE = "🆕 <b>Temsilci talebi</b> ({reason})"
SUMMARY_REASONS = {
    "requested": "müşteri istedi",
    "offered": "asistanın önerisiyle",
}
SUMMARY_CUSTOMER = "<b>Müşteri:</b> {customer_id} · {name} · {tier}"
SUMMARY_UNLINKED = "<b>Müşteri:</b> Telegram hesabı bir müşteriye bağlı değil ({name})"
SUMMARY_PACKAGE = "<b>Paket:</b> {package}"
SUMMARY_LINES = "<b>Hatlar:</b> {lines}"
SUMMARY_LINE = "{number} ({type}, {status})"
SUMMARY_TICKETS = "<b>Açık arıza kayıtları:</b> {tickets}"
SUMMARY_TICKET = "{id} ({category}, {status})"
SUMMARY_NO_TICKETS = "<b>Açık arıza kayıtları:</b> yok"
SUMMARY_UNAVAILABLE = "<i>Hesap bilgileri şu anda okunamadı.</i>"
SUMMARY_TURNS = "<b>Son konuşma:</b>"
SUMMARY_NO_TURNS = "<i>Asistanla henüz konuşma yok.</i>"
SUMMARY_TURN_USER = "🙂 {text}"
SUMMARY_TURN_ASSISTANT = "🤖 {text}"
SUMMARY_TURN_TOOL_CALL = "🔧 {name}({arguments})"
SUMMARY_TURN_TOOL_RESULT = "↳ {text}"
SUMMARY_HOW_TO = (
    "Bu konuya yazdıklarınız müşteriye “Müşteri temsilcisi” olarak iletilir. "
    "Görüşmeyi bitirmek için /bitir yazın."
)
AGENT_NOT_DELIVERED = "⚠️ Mesajınız müşteriye iletilemedi (müşteri botu engellemiş olabilir)."
CLOSED_IN_TOPIC = "✅ Görüşme {who} kapatıldı; müşteri yeniden asistana yönlendirildi."
CLOSED_IN_TOPIC_IDLE = (
    "⌛ {minutes} dakikadır mesaj olmadığı için görüşme kapandı; müşteri yeniden "
    "asistana yönlendirildi."
)
