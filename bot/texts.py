"""Every Turkish text the bot shows, in one place, apart from the logic.

Texts are Telegram HTML (``parse_mode="HTML"``): the fixed parts below may use
tags; every value filled into a ``{placeholder}`` is escaped by the caller
(``bot.rendering.escape``). Keep ``ı/İ`` casing, ``1.234,56 TL`` and
``15 Aralık 2026`` (``core.turkish``) when adding texts.
"""

from __future__ import annotations

# -- commands (names are fixed ASCII; descriptions are what the menu shows) --

COMMAND_DESCRIPTIONS = {
    "start": "Başlangıç ve hesap bağlama",
    "fatura": "Güncel faturanız",
    "durum": "Paketiniz ve kalan kullanım haklarınız",
    "iptal": "Bekleyen işlemi ya da süren yanıtı iptal et",
    "temsilci": "Bir müşteri temsilcisiyle görüşün",
    "help": "Neler yapabileceğim",
}
ADMIN_COMMAND_DESCRIPTION = "Sistem durumu (yönetici)"

# -- welcome, help, linking ---------------------------------------------------

CAPABILITIES = (
    "<b>Neler yapabilirim?</b>\n"
    "/fatura – güncel faturanız ve ödeme\n"
    "/durum – paketiniz, kalan internet, dakika ve SMS haklarınız\n"
    "/iptal – bekleyen işlemi ya da süren yanıtı iptal eder\n"
    "/temsilci – bir müşteri temsilcisiyle görüşün\n"
    "/help – bu yardım mesajı\n"
    "\n"
    "Bunların dışında bana sorunuzu yazmanız yeterli, örneğin:\n"
    "• “Kalan internetim ne kadar?”\n"
    "• “Geçmiş faturalarımı göster”\n"
    "• “Ankara'da şebeke sorunu var mı?”\n"
    "• “Premium Paket'e geçmek istiyorum”"
)

WELCOME_UNLINKED = (
    "Merhaba, ben <b>Telekom Asistan</b>. Faturalarınız, paketiniz, kalan kullanım "
    "haklarınız, yurt dışı kullanımı ve arıza kayıtlarınız konusunda size yardımcı "
    "olabilirim.\n"
    "\n"
    "Hesabınıza özel bilgiler için önce telefon numaranızı paylaşmanız gerekiyor: "
    "aşağıdaki <b>Telefon numaramı paylaş</b> düğmesine dokunun. Numara paylaşmadan da "
    "paketler ve şebeke durumu hakkında soru sorabilirsiniz.\n"
    "\n" + CAPABILITIES
)

WELCOME_LINKED = (
    "Tekrar hoş geldiniz, {name}. Hesabınız bu Telegram hesabına bağlı.\n\n" + CAPABILITIES
)

HELP = CAPABILITIES

SHARE_CONTACT_BUTTON = "Telefon numaramı paylaş"

LINKED = (
    "Teşekkürler, {name}. Hesabınız bu Telegram hesabına bağlandı. Artık faturanız ve "
    "hattınızla ilgili her şeyi sorabilirsiniz; /fatura ya da /durum ile başlayabilirsiniz."
)

LINK_NOT_OWN_CONTACT = (
    "Güvenliğiniz için hesabınızı yalnızca kendi telefon numaranızı "
    "<b>Telefon numaramı paylaş</b> düğmesiyle paylaşarak bağlayabilirsiniz. Başka birinin "
    "kişi kartını kabul edemiyorum."
)

LINK_FORWARDED_CONTACT = (
    "Güvenliğiniz için iletilen kişi kartlarını kabul edemiyorum. Hesabınızı bağlamak için "
    "aşağıdaki <b>Telefon numaramı paylaş</b> düğmesine dokunun."
)

LINK_UNKNOWN_NUMBER = (
    "Bu telefon numarasına ait bir hattımız bulunamadı. Numaranız bizde kayıtlıysa müşteri "
    "hizmetlerimizle görüşebilirsiniz. Bu arada paketler ve şebeke durumu hakkında soru "
    "sorabilirsiniz."
)

LINK_REQUIRED = (
    "Bu bilgi hesabınıza özel. Önce hesabınızı bağlamanız gerekiyor: /start yazıp "
    "<b>Telefon numaramı paylaş</b> düğmesine dokunun."
)

# -- groups -------------------------------------------------------------------

GROUP_INTRO = (
    "Merhaba! Bu grupta yalnızca bana seslendiğinizde ya da mesajıma yanıt verdiğinizde, "
    "paketler ve şebeke durumu gibi genel sorulara yanıt veririm. Hesabınızla ilgili her "
    "şey için bana özelden yazın."
)

PRIVATE_ONLY = (
    "Hesap bilgilerinizi grupta paylaşamam. Lütfen bana özelden yazın; orada size yardımcı olayım."
)

PRIVATE_CHAT_BUTTON = "Özelden yaz"

# -- input limits -------------------------------------------------------------

MESSAGE_TOO_LONG = (
    "Mesajınız çok uzun: en fazla {limit} karakter yazabilirsiniz, sizinki {length} karakter. "
    "Lütfen kısaltıp yeniden gönderin."
)

RATE_LIMITED = (
    "Çok sık mesaj gönderiyorsunuz. Lütfen {seconds} saniye bekleyip yeniden yazın; "
    "bu arada gelen mesajları yanıtlayamıyorum."
)

UNSUPPORTED_MEDIA = (
    "Şimdilik yalnızca yazılı mesajları anlayabiliyorum; fotoğraf, ses kaydı, çıkartma ve "
    "dosyaları işleyemiyorum. Sorunuzu yazarak iletebilirsiniz, örneğin “Faturam ne kadar?” "
    "ya da “Kalan internetim ne kadar?”\n\n" + CAPABILITIES
)

UNKNOWN_COMMAND = "Bu komutu tanımıyorum. Neler yapabileceğimi görmek için /help yazabilirsiniz."

# -- answering ----------------------------------------------------------------

PREPARING_ANSWER = "Yanıtınızı hazırlıyorum…"

TOOL_PROGRESS = {
    "get_current_bill": "Faturanızı kontrol ediyorum…",
    "get_past_bills": "Geçmiş faturalarınıza bakıyorum…",
    "pay_bill": "Ödeme işlemini hazırlıyorum…",
    "get_payment_history": "Ödeme geçmişinize bakıyorum…",
    "setup_autopay": "Otomatik ödeme ayarınızı hazırlıyorum…",
    "get_customer_package": "Paketinizi kontrol ediyorum…",
    "get_remaining_quotas": "Kalan kullanım haklarınızı kontrol ediyorum…",
    "change_package": "Paket değişikliğini hazırlıyorum…",
    "get_available_packages": "Güncel paketlere bakıyorum…",
    "get_package_details": "Paket ayrıntılarına bakıyorum…",
    "enable_roaming": "Yurt dışı kullanım ayarını hazırlıyorum…",
    "check_network_status": "Şebeke durumunu kontrol ediyorum…",
    "create_fault_ticket": "Arıza kaydını hazırlıyorum…",
    "get_fault_ticket_status": "Arıza kaydınıza bakıyorum…",
    "test_internet_speed": "Hattınızda hız testi yapıyorum…",
    "get_customer_profile": "Hesap bilgilerinize bakıyorum…",
    "update_customer_contact": "İletişim bilgisi değişikliğini hazırlıyorum…",
    "suspend_line": "Hat dondurma işlemini hazırlıyorum…",
    "reactivate_line": "Hattınızı yeniden açma işlemini hazırlıyorum…",
}
TOOL_PROGRESS_DEFAULT = "Bilgilerinizi kontrol ediyorum…"

AGENT_UNAVAILABLE = (
    "Şu anda geçici olarak hizmet veremiyoruz. Mesajınızı kaydettik; lütfen birkaç dakika "
    "sonra yeniden deneyin."
)

EMPTY_ANSWER = "Bu konuda şu an bir yanıt veremiyorum. Sorunuzu biraz farklı yazar mısınız?"

TURN_CANCELLED = "Tamam, yanıtı durdurdum. Yeni sorunuzu yazabilirsiniz."

NOTHING_TO_CANCEL = "Şu anda iptal edilecek bir işleminiz yok."

# Start-up recovery (bot.recovery): a message a crash left unanswered.
RECOVERY_APOLOGY = (
    "Üzgünüm, sistemimizdeki bir kesinti nedeniyle “{question}” mesajınızı yanıtlayamadım. "
    "Lütfen sorunuzu yeniden yazar mısınız?"
)
RECOVERED_ANSWER_INTRO = "Bir kesinti nedeniyle geciken yanıtınız (“{question}”):"
# The database stayed out of reach before the message could be stored.
DATABASE_BUSY = (
    "Üzgünüm, şu anda kayıt sistemimize ulaşamadığım için mesajınızı alamadım. Lütfen "
    "birkaç dakika sonra yeniden gönderin. Sorun sürerse müşteri hizmetlerine şu olay "
    "numarasını iletebilirsiniz: <code>{incident}</code>"
)
ERROR_APOLOGY = (
    "Üzgünüm, beklenmeyen bir sorun oluştu ve isteğinizi tamamlayamadım. Lütfen yeniden "
    "deneyin. Sorun sürerse müşteri hizmetlerine şu olay numarasını iletebilirsiniz: "
    "<code>{incident}</code>"
)

# -- confirmations --------------------------------------------------------------

CONFIRM_BUTTON = "Onayla"
DECLINE_BUTTON = "Vazgeç"

CONFIRMATION_CARD = "<b>Onayınız gerekiyor</b>\n{summary}\n\nSon onay zamanı: {expires_at}"

CONFIRMATION_OUTCOME_MARKS = {
    "done": "✅",
    "already_done": "ℹ️",
    "cancelled": "❎",
    "expired": "⌛",
    "not_found": "⚠️",
    "failed": "⚠️",
}

CONFIRMATION_IN_PROGRESS = "Bu işlem şu anda yapılıyor, lütfen bekleyin."
CONFIRMATION_NOT_LINKED = "Bu işlemi yalnızca hesabı bağlı müşterimiz onaylayabilir."
CONFIRMATION_UNAVAILABLE = (
    "Şu anda işleminizi gerçekleştiremiyoruz; lütfen biraz sonra yeniden deneyin."
)
BUTTON_EXPIRED = "Bu düğmenin süresi dolmuş. Lütfen isteğinizi yeniden yazın."
# Pay and confirm buttons act only in the presser's own private chat with the bot.
PRESS_PRIVATE_ONLY = (
    "Bu düğme yalnızca benimle özel sohbetinizde çalışır. Hesap işlemleriniz için lütfen "
    "bana özelden yazın."
)
# Start-up recovery: an action confirmed just before a crash, its result not yet told.
RECOVERED_ACTION_RESULT = (
    "Onayladığınız işlemin sonucunu bir kesinti nedeniyle geç bildiriyoruz:\n\n{outcome}"
)

# -- /fatura ----------------------------------------------------------------

BILL_TITLE = "<b>Güncel faturanız</b>"
BILL_NUMBER = "Fatura no: {bill_id}"
BILL_DATE = "Fatura tarihi: {day}"
BILL_DUE_DATE = "Son ödeme tarihi: {day}"
BILL_STATUS = "Durum: {status}"
BILL_STATUS_WORDS = {
    "paid": "Ödendi ✅",
    "unpaid": "Ödenmedi",
    "overdue": "Son ödeme tarihi geçti ⚠️",
}
BILL_ITEMS_TITLE = "<b>Fatura kalemleri</b>"
BILL_ITEM = "• {name}: {amount}"
BILL_TOTAL = "<b>Toplam: {amount}</b>"
BILL_UNAVAILABLE = "Faturanıza şu anda ulaşamıyorum; lütfen biraz sonra yeniden deneyin."

PAY_BY_CARD_BUTTON = "Kredi kartıyla öde"
PAY_BY_TRANSFER_BUTTON = "Havaleyle öde"
# What the customer asks for by pressing a pay button (stored as their message).
PAY_REQUEST = "{bill_id} numaralı faturamı {method} ile ödemek istiyorum."
PAYMENT_METHOD_WORDS = {"credit_card": "kredi kartı", "bank_transfer": "banka havalesi"}

# -- /durum -------------------------------------------------------------------

STATUS_TITLE = "<b>Hattınızın durumu</b>"
STATUS_PACKAGE = "Paket: {name} ({fee}/ay)"
STATUS_LINE = "Hat: {number} – {status}"
STATUS_RENEWAL = "Paket yenilenme tarihi: {day}"
LINE_STATUS_WORDS = {
    "active": "Aktif",
    "suspended": "Askıya alınmış",
    "cancelled": "Kapatılmış",
}
QUOTAS_TITLE = "<b>Kalan kullanım haklarınız</b> (dönem sonu: {day})"
QUOTA_INTERNET = "İnternet: {remaining} / {total} GB"
QUOTA_VOICE = "Dakika: {remaining} / {total} dk"
QUOTA_SMS = "SMS: {remaining} / {total}"
QUOTA_BAR = "<code>{bar}</code> {share}"
STATUS_UNAVAILABLE = (
    "Hattınızın bilgilerine şu anda ulaşamıyorum; lütfen biraz sonra yeniden deneyin."
)

# -- /admin -------------------------------------------------------------------

ADMIN_TITLE = "<b>Sistem durumu</b>"
ADMIN_LINES = (
    "Model: {model}",
    "Arka uç: {backend}",
    "Yükleme durumu: {state}",
    "Cihaz: {device}",
    "Nicemleme: {quantization}",
    "Bellekte: {memory}",
    "Kuyruktaki tur: {queue_depth}",
    "Üretim hızı: {tokens_per_s} token/sn",
    "Son bir saat: {turns} tur, {errors} hata",
    "Çalışma süresi: {uptime}",
    "Veritabanı: {database}",
    "Araç sayısı: {tools}",
)
ADMIN_REASON = "Seçim nedeni: {reason}"
ADMIN_ERROR = "Son hata: {error}"
ADMIN_LOAD_STATES = {
    "not_loaded": "yüklenmedi",
    "loading": "yükleniyor",
    "loaded": "yüklendi",
    "failed": "yüklenemedi",
}
ADMIN_UNKNOWN_SIZE = "bilinmiyor"
ADMIN_USAGE = (
    "Kullanım:\n"
    "/admin – sistem durumu\n"
    "/admin reload – modeli yeniden yükle\n"
    "/admin model AD – başka bir modele geç\n"
    "/admin backend AD – arka ucu değiştir (auto, transformers, openai, rules)"
)
ADMIN_SWAPPING = "Model yükleniyor; bu birkaç dakika sürebilir…"
ADMIN_SWAPPED = "Tamam, geçiş tamamlandı."
ADMIN_SWAP_FAILED = "Geçiş yapılamadı: {error}\nÖnceki model hizmet vermeye devam ediyor."
ADMIN_UNAVAILABLE = "Ajan hizmetine şu anda ulaşılamıyor."

DURATION_DAYS = "{days} gün"
DURATION_HOURS = "{hours} saat"
DURATION_MINUTES = "{minutes} dakika"
DURATION_SECONDS = "{seconds} saniye"

# -- answer ratings -------------------------------------------------------------

RATE_GOOD_BUTTON = "👍"
RATE_BAD_BUTTON = "👎"
RATE_CHOSEN_BUTTON = "{label} ✓"
RATING_THANKS_GOOD = "Teşekkürler, değerlendirmeniz kaydedildi."
RATING_THANKS_BAD = "Teşekkürler; değerlendirmeniz yanıtlarımızı iyileştirmemize yardımcı olacak."
RATING_UNAVAILABLE = "Bu yanıt artık değerlendirilemiyor."
RATING_NOT_SAVED = "Değerlendirmenizi şu anda kaydedemedim; lütfen biraz sonra yeniden deneyin."

ADMIN_RATINGS_TITLE = "<b>Yanıt değerlendirmeleri</b> (son {days} gün)"
ADMIN_RATINGS_DAY = "{day}: {good}/{total} yanıt iyi ({share})"
ADMIN_RATINGS_DAY_UNRATED = "{day}: değerlendirme yok"
ADMIN_HANDOFFS_OF_DAY = ", temsilciye aktarım: {handoffs}"
ADMIN_RATINGS_UNAVAILABLE = "Yanıt değerlendirmeleri şu anda okunamıyor (veritabanı meşgul)."
ADMIN_RATINGS_NONE = "Bu dönemde değerlendirilen yanıt yok."
ADMIN_WORST_TOOLS = "<b>En kötü değerlendirilen araçlar</b>"
ADMIN_WORST_TOPICS = "<b>En kötü değerlendirilen konular</b>"
ADMIN_WORST_LINE = "• {name}: {bad}/{total} kötü ({share} iyi)"
ADMIN_NO_TOOL_TOPIC = "genel (araçsız)"
