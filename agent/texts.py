"""Turkish texts the agent runtime itself says (not the tools, not the rules engine)."""

from __future__ import annotations

TURN_FAILED = (
    "Üzgünüm, isteğinizi işlerken beklenmedik bir sorun oluştu. Lütfen biraz sonra tekrar "
    "deneyin. (Olay kodu: {incident})"
)
TURN_TIMED_OUT = (
    "Üzgünüm, yanıtım çok uzun sürdü ve işlemi durdurdum. Lütfen sorunuzu tekrar yazın."
)
DATABASE_UNAVAILABLE = (
    "Üzgünüm, şu anda kayıt sistemimize ulaşamadığım için yanıtınızı hazırlayamadım. "
    "Lütfen birkaç dakika sonra sorunuzu yeniden yazın."
)
MESSAGE_NOT_STORED = (
    "Üzgünüm, şu anda kayıt sistemimize ulaşamadığım için mesajınızı alamadım. "
    "Lütfen birkaç dakika sonra yeniden gönderin."
)
TOO_MANY_CALLS = "Bir adımda en fazla {limit} işlem yapabilirim; fazlası yapılmadı."
TOO_MANY_STEPS = (
    "Üzgünüm, bu isteği şu anda tamamlayamadım. Lütfen sorunuzu biraz daha açık yazar mısınız?"
)
REPEATED_CALLS = (
    "Üzgünüm, isteğinizi şu anda tamamlayamadım; aynı kontrolü tekrar tekrar yapmaya "
    "başladım ve durdurdum. Lütfen sorunuzu biraz farklı yazar mısınız?"
)
EMPTY_ANSWER = "Üzgünüm, bir yanıt oluşturamadım. Sorunuzu farklı bir şekilde yazar mısınız?"
CONFIRM_QUESTION = "Onaylıyor musunuz?"
NOTHING_PENDING = "Bekleyen bir işleminiz bulunmuyor."
DIRECT_CALL_REFUSED = (
    "Bu işlem hesabınızda değişiklik yapar; yalnızca sohbet üzerinden onayınızla yapılabilir."
)

# Replies to a pending action (agent.consent) and taking an action back (agent.reversal).
CARD_STILL_WAITING = (
    "Not: {action} işleminiz hâlâ onayınızı bekliyor; kartındaki Onayla ve Vazgeç düğmeleri "
    "geçerli."
)
# A question or a "wait" about the waiting card itself, with no request of its own.
CARD_WAITING_ANSWER = (
    "Bu işlem henüz yapılmadı; onayınızı bekliyor:\n{summary}\n\nOnaylamak için Onayla "
    "düğmesine basabilir ya da “evet” yazabilirsiniz; istemiyorsanız Vazgeç düğmesine basın "
    "ya da “hayır” yazın. Onay için son zaman: {expires_at}."
)
# Short names of the actions, for the line that says a card still waits.
ACTION_NAMES = {
    "pay_bill": "Fatura ödemesi",
    "change_package": "Paket değişikliği",
    "enable_roaming": "Roaming ayarı",
    "setup_autopay": "Otomatik ödeme talimatı",
    "suspend_line": "Hat dondurma",
    "reactivate_line": "Hattı yeniden açma",
    "create_fault_ticket": "Arıza kaydı",
    "update_customer_contact": "İletişim bilgisi güncelleme",
}
ACTION_NAME_DEFAULT = "Bekleyen"
SEVERAL_PENDING = (
    "Onayınızı bekleyen birden fazla işlem var; hangisini onayladığınızı karıştırmamak için "
    "lütfen ilgili kartın üzerindeki Onayla düğmesine basın. Hiçbir işlem yapılmadı."
)
AMENDED = "Teklifi isteğinize göre güncelledim."
AMENDED_CARD_CLOSED = "Bu teklif değiştirildi; güncel hali aşağıda."
UNDO_OFFER = "Son işlemi geri almak için şunu öneriyorum:"
PAYMENT_IRREVERSIBLE = (
    "Ödemeniz gerçekleşmiş olduğu için buradan geri alınamıyor (işlem numarası: {reference}). "
    "İade talebi için {call_centre} numaralı çağrı merkezimizi arayabilirsiniz."
)
TICKET_IRREVERSIBLE = (
    "Arıza kaydınız ({reference}) açıldı; kayıtlar buradan kapatılamıyor. Kaydın kapatılmasını "
    "isterseniz {call_centre} numaralı çağrı merkezimizi arayabilirsiniz."
)
NO_REVERSE_ACTION = (
    "Bu işlem buradan geri alınamıyor. Yardım için {call_centre} numaralı çağrı merkezimizi "
    "arayabilirsiniz."
)
