"""Every Turkish text the rules engine shows a customer, in one place.

Logic lives elsewhere; this module only holds wording. Placeholders are filled
with values already formatted by ``core.turkish`` (money ``1.234,56 TL``, days
``15 Aralık 2026``). Templates avoid attaching case endings to inserted names,
so no vowel harmony has to be computed for values we do not know in advance.

The question texts double as the engine's memory: the next turn recognises
which question was asked by finding one of them in the last assistant message
(see ``dialogue``), so change a question here and nowhere else.
"""

from __future__ import annotations

from typing import Final

from agent.action_outcomes import (  # noqa: F401 - re-exported for the rules engine
    AUTOPAY_OFF,
    CONTACT_VERIFY,
    FEE_SAME,
    NOT_SET,
    PAYMENT_METHODS,
    PRIORITIES,
    ROAMING_OFF,
    TICKET_CATEGORIES,
    TICKET_CREATED_CLOSING,
    UNKNOWN,
)

# The wording of what an action did is shared with the tool layer (agent.action_outcomes).
from core.account_labels import (  # noqa: F401 - re-exported for the rules engine
    LINE_STATUSES,
    TICKET_STATUSES,
    TIERS,
)

# --- conversation ---------------------------------------------------------------

GREETING: Final = (
    "Merhaba, ben Telekom Asistan! Faturalarınız, paketiniz, kalan kullanımınız, roaming, "
    "şebeke durumu, arıza kayıtları ve hattınızla ilgili işlemlerde yardımcı olabilirim. "
    "Size nasıl yardımcı olabilirim?"
)
HOW_ARE_YOU: Final = "Teşekkür ederim, iyiyim! Size nasıl yardımcı olabilirim?"
THANKS: Final = "Rica ederim! Başka bir konuda yardıma ihtiyacınız olursa yazmanız yeterli."
GOODBYE: Final = "Görüşmek üzere, iyi günler dilerim!"
ACKNOWLEDGED: Final = "Peki. Başka bir konuda yardımcı olabilir miyim?"
# "vazgeçtim", "iptal et" with nothing waiting and nothing just done to take back.
NOTHING_TO_CANCEL: Final = (
    "Şu anda onayınızı bekleyen ya da geri alınabilecek bir işleminiz yok; hesabınızda bir "
    "değişiklik yapılmadı. Başka bir konuda yardımcı olabilir miyim?"
)
CAPABILITIES: Final = (
    "Şu konularda yardımcı olabilirim:\n"
    "• Fatura: güncel fatura, geçmiş faturalar, fatura ödeme, ödeme geçmişi, otomatik ödeme\n"
    "• Paket: mevcut paketiniz, kalan kullanımınız, paket seçenekleri ve paket değişikliği\n"
    "• Hat: roaming, hattı dondurma ve yeniden açma, iletişim bilgilerinizi güncelleme\n"
    "• Destek: şebeke durumu, internet hız testi, arıza kaydı açma ve takip\n"
    "Örneğin “Faturam ne kadar?”, “Kalan internetim ne kadar?” ya da "
    "“İzmir'de kesinti var mı?” diye sorabilirsiniz."
)
OUT_OF_SCOPE: Final = (
    "Bu konuda yardımcı olamıyorum; yalnızca telekom hizmetlerinizle ilgili sorulara yanıt "
    "verebiliyorum. Fatura, paket, kalan kullanım, roaming, şebeke durumu, arıza kaydı ve "
    "hattınızla ilgili işlemlerde memnuniyetle yardımcı olurum."
)
HUMAN_AGENT: Final = (
    "Bir müşteri temsilcisiyle görüşmek isterseniz bana özelden /temsilci yazabilirsiniz. "
    "Fatura, paket, kalan kullanım, roaming, şebeke durumu, arıza kaydı ve hattınızla ilgili "
    "işlemlerde ben de hemen yardımcı olabilirim; sorunuzu yazmanız yeterli."
)
# "Öğrenciyim" after "... yalnızca öğrencilere açık bir pakettir": no claim is checked here.
ELIGIBILITY_CLAIM: Final = (
    "Bu pakete geçebilmeniz için hesabınızın ilgili müşteri grubunda (ör. öğrenci ya da kamu "
    "çalışanı) tanımlı olması gerekiyor; bunu buradan değiştiremiyorum. Belgenizle "
    "mağazalarımızdan birine başvurabilir ya da bana özelden /temsilci yazarak bir müşteri "
    "temsilcisine ulaşabilirsiniz."
)
ADDON: Final = (
    "Ek paket tanımlama işlemini buradan yapamıyorum. Kalan kullanımınızı gösterebilir ya da "
    "daha fazla internet veya dakika içeren bir pakete geçmenize yardımcı olabilirim; "
    "paketleri görmek için “paketleri göster” yazmanız yeterli."
)
COMPLAINT: Final = (
    "Yaşadığınız olumsuzluk için üzgünüm. Sorunu kısaca yazarsanız hemen yardımcı olmaya "
    "çalışayım; gerekirse sizin için arıza kaydı da açabilirim."
)
EMPTY_MESSAGE: Final = "Mesajınızı alamadım. Size nasıl yardımcı olabilirim?"
LINK_ACCOUNT: Final = (
    "Bu işlem için önce hesabınızı bağlamanız gerekiyor: /start yazıp telefon numaranızı "
    "paylaşın, numaranız kayıtlarımızla eşleşince yardımcı olabilirim. Bu arada paketlerimiz, "
    "paket ayrıntıları ve şebeke durumu hakkında bilgi verebilirim."
)
# A group never shows account data, whoever asks: the sender may be linked already.
ACCOUNT_IN_PRIVATE: Final = (
    "Hesabınızla ilgili bilgileri grupta paylaşamam. Lütfen bana özelden yazın; orada size "
    "yardımcı olayım. Bu grupta paketlerimiz ve şebeke durumu hakkında bilgi verebilirim."
)
OTHER_CUSTOMER: Final = (
    "Güvenliğiniz için yalnızca bu sohbete bağlı hesabın bilgileriyle işlem yapabiliyorum."
)
DECLINED: Final = "Peki, herhangi bir işlem yapmadım. Başka bir konuda yardımcı olabilir miyim?"
SUSPENSION_TERMS: Final = (
    "Hattınızı en fazla {days} gün askıya alabilirsiniz. Hattı yeniden açarken {fee} ücret "
    "alınır; askerlik nedeniyle askıya alınan hatlarda bu ücret alınmaz. İsterseniz "
    "hattınızı askıya alabilirim; nedenini yazmanız yeterli."
)
# "O bitince de düzelmezse ne yapacağım?" after a network status with an outage.
OUTAGE_NEXT_STEP: Final = (
    "Kesinti giderildiğinde hizmetinizin normale dönmesi beklenir. Kesinti bittikten sonra "
    "da sorun sürerse yazmanız yeterli; sizin için arıza kaydı açarım. İsterseniz kaydı "
    "şimdiden de açabilirim."
)
# "Nasıl açtırırım?" right after the answer said the line is suspended (OFFER_REACTIVATE follows).
REACTIVATION_INFO: Final = (
    "Askıdaki hattınızı buradan yeniden açabilirim. Yeniden açma ücreti {fee}; askerlik "
    "nedeniyle askıya alınan hatlarda bu ücret alınmaz."
)
CANCELLED: Final = "Tamam, işlemi iptal ettim. Başka bir konuda yardımcı olabilir miyim?"
NOT_UNDERSTOOD: Final = "Bunu anlayamadım."

# --- information without a tool -----------------------------------------------------

ROAMING_INFO: Final = (
    "Roaming (uluslararası dolaşım), hattınızı yurt dışında anlaşmalı operatörlerin "
    "şebekesinde kullanmanızı sağlar. Roaming açıkken günlük {daily_fee} ücretle her gün "
    "{daily_gb} GB internet kullanabilirsiniz; konuşma ve SMS de yurt dışında çalışır."
)
TRAVEL: Final = (
    "İyi yolculuklar! Hattınızı yurt dışında kullanabilmeniz için roaming'in açık olması "
    "gerekiyor. Roaming açıkken günlük {daily_fee} ücretle her gün {daily_gb} GB internet "
    "kullanabilirsiniz."
)
AUTOPAY_INFO: Final = (
    "Otomatik ödeme talimatıyla faturanız, son ödeme tarihinde kayıtlı ödeme yönteminizden "
    "(kredi kartı ya da banka hesabı) kendiliğinden ödenir; gecikme faizi riskiniz kalmaz. "
    "Talimatı dilediğiniz an buradan kapatabilirsiniz ve bu sohbette sizden hiçbir zaman "
    "kart bilgisi istenmez."
)

# --- questions (also recognised in the next turn; keep each one unique) ------------------

ASK_PACKAGE_CHANGE: Final = "Hangi pakete geçmek istersiniz?"
ASK_PACKAGE_DETAILS: Final = "Hangi paketin ayrıntılarını görmek istersiniz?"
ASK_REGION: Final = "Hangi il ya da bölge için şebeke durumuna bakayım? (ör. İzmir ya da Ege)"
ASK_TICKET_ID: Final = "Arıza kaydınızın numarasını yazar mısınız? (ör. T-2026-000123)"
ASK_FAULT_DESCRIPTION: Final = (
    "Arıza kaydı açabilmem için yaşadığınız sorunu kısaca anlatır mısınız?"
)
ASK_CONTACT_TYPE: Final = (
    "Hangi iletişim bilginizi güncellemek istersiniz: telefon, e-posta ya da adres?"
)
ASK_NEW_EMAIL: Final = "Yeni e-posta adresinizi yazar mısınız?"
ASK_NEW_PHONE: Final = "Yeni telefon numaranızı yazar mısınız? (ör. 0532 123 45 67)"
ASK_NEW_ADDRESS: Final = (
    "Yeni adresinizi açık olarak yazar mısınız? (mahalle, cadde/sokak, numara, ilçe, il)"
)
ASK_SUSPEND_REASON: Final = (
    "Hattınızı hangi nedenle dondurmak istiyorsunuz? (ör. askerlik, yurt dışı, kayıp/çalıntı)"
)
ASK_AUTOPAY_STATUS: Final = "Otomatik ödemeyi açmamı mı, yoksa kapatmamı mı istersiniz?"
ASK_ROAMING_STATUS: Final = "Roaming'i açmamı mı, yoksa kapatmamı mı istersiniz?"
OFFER_ROAMING: Final = "Roaming'i şimdi açmamı ister misiniz?"
OFFER_AUTOPAY: Final = "Otomatik ödeme talimatınızı şimdi açmamı ister misiniz?"
OFFER_FAULT_TICKET: Final = "İsterseniz bu sorun için arıza kaydı açabilirim; açayım mı?"
OFFER_REACTIVATE: Final = "Hattınızı şimdi yeniden açmamı ister misiniz?"
OFFER_LINE_FAULT_TICKET: Final = (
    "İsterseniz hattınızdaki sorun için arıza kaydı açabilirim; açayım mı?"
)

# Values the engine writes into tool arguments.
SUSPENSION_REASONS: Final[dict[str, str]] = {
    "military": "askerlik",
    "abroad": "yurt dışı",
    "lost": "kayıp veya çalıntı",
    "financial": "maddi nedenler",
    "health": "sağlık nedenleri",
    "unused": "geçici olarak kullanılmayacak",
}
SLOW_INTERNET_DESCRIPTION: Final = "İnternet bağlantısı yavaş; hız testi düşük kalite gösterdi."

# --- answers from tool results ----------------------------------------------------

CURRENT_BILL: Final = (
    "{bill_id} numaralı güncel faturanız: {amount}\n"
    "Fatura tarihi: {bill_date}\n"
    "Son ödeme tarihi: {due_date}\n"
    "Durum: {status}"
)
CURRENT_BILL_SERVICES: Final = "Fatura kalemleri:"
CURRENT_BILL_PAY_HINT: Final = "Ödemek isterseniz “faturamı öde” yazmanız yeterli."
LIST_ITEM: Final = "• {text}"
SERVICE_LINE: Final = "{name}: {amount}"

PAST_BILLS_HEADER: Final = "Son {count} faturanız:"
PAST_BILL_LINE: Final = "{bill_date} · {bill_id}: {amount} ({status})"
PAST_BILL_PAID_ON: Final = "{line}, ödeme tarihi {paid_date}"
# An unpaid bill: when it is (or was) due.
PAST_BILL_DUE_ON: Final = "{line}, son ödeme tarihi {due_date}"
PAST_BILLS_TOTAL: Final = "Toplam kayıtlı fatura: {total_count} · Ödenen toplam tutar: {total_paid}"
PAST_BILLS_NONE: Final = "Kayıtlı geçmiş faturanız bulunmuyor."

PAYMENT_HISTORY_HEADER: Final = "Ödeme geçmişiniz ({count} ödeme, toplam {total}):"
PAYMENT_LINE: Final = "{date} · {amount}, {method} ({bill_id})"
PAYMENT_HISTORY_NONE: Final = "Kayıtlı bir ödemeniz bulunmuyor."

CUSTOMER_PACKAGE: Final = (
    "Mevcut paketiniz: {package_name}\n"
    "Aylık ücret: {monthly_fee}\n"
    "İçerik: {internet_gb} GB internet, {voice_minutes} dakika, {sms_count} SMS\n"
    "Roaming: {roaming}"
)
INTERNATIONAL_MINUTES: Final = "Yurt dışı arama: {minutes} dakika"
PACKAGE_DATES: Final = "Başlangıç: {activation_date} · Yenilenme: {renewal_date}"

QUOTAS_HEADER: Final = "Bu dönem kalan kullanımınız:"
QUOTA_INTERNET: Final = "İnternet: {value} GB"
QUOTA_VOICE: Final = "Konuşma: {value} dakika"
QUOTA_SMS: Final = "SMS: {value} adet"
QUOTA_USED: Final = "{line} (%{percent} kullanıldı)"
QUOTAS_PERIOD_END: Final = "Dönem sonu: {period_end}"

AVAILABLE_PACKAGES_HEADER: Final = "Paketlerimiz:"
AVAILABLE_PACKAGE_LINE: Final = (
    "{name}: aylık {monthly_fee} · {internet_gb} GB, {voice_minutes} dk, {sms_count} SMS"
)
AVAILABLE_PACKAGE_AUDIENCE: Final = "{line} ({audience})"
AVAILABLE_PACKAGES_NONE: Final = "Şu anda listelenecek bir paket bulunamadı."
AVAILABLE_PACKAGES_CLOSING: Final = (
    "Bir paketin ayrıntılarını görmek ya da paketinizi değiştirmek isterseniz paketin adını "
    "yazmanız yeterli."
)

PACKAGE_DETAILS: Final = (
    "{name}\n"
    "Aylık ücret: {monthly_fee}\n"
    "Kurulum ücreti: {setup_fee}\n"
    "İçerik: {internet_gb} GB internet, {voice_minutes} dakika, {sms_count} SMS\n"
    "Yurt dışı arama: {international_minutes} dakika\n"
    "Taahhüt süresi: {contract_duration} ay\n"
    "Cayma bedeli: {cancellation_fee}"
)
PACKAGE_DETAILS_CLOSING: Final = "Bu pakete geçmek isterseniz söylemeniz yeterli."
# "Bunda yurt dışı kullanım var mı" after a package's details.
PACKAGE_ABROAD_NONE: Final = "{name} paketinde yurt dışı arama dakikası yok."
PACKAGE_ABROAD_MINUTES: Final = "{name} paketinde ayda {minutes} dakika yurt dışı arama var."
PACKAGE_ABROAD_ROAMING: Final = (
    "Yurt dışında hattınızı kullanmak için roaming'in açık olması gerekir: günlük {daily_fee} "
    "ücretle her gün {daily_gb} GB internet."
)

NETWORK_STATUS: Final = "{region} için şebeke durumu: {status}. Kapsama oranı: %{coverage}."
NETWORK_PLACE_IN_REGION: Final = "{place} ({region} bölgesi)"
NETWORK_OUTAGES_HEADER: Final = "Aktif kesintiler:"
NETWORK_OUTAGE_LINE: Final = (
    "{area}: {issue} (başlangıç {start_time}, tahmini bitiş {estimated_end})"
)
NETWORK_NO_OUTAGE: Final = (
    "Şu anda bilinen bir kesinti yok. Sorun yaşamaya devam ederseniz arıza kaydı açmamı "
    "isteyebilirsiniz."
)
NETWORK_UPDATED: Final = "Son güncelleme: {last_updated}"
UNKNOWN_END: Final = "belirsiz"

TICKET_STATUS: Final = "{ticket_id} numaralı arıza kaydınızın durumu: {status}"
TICKET_CREATED_AT: Final = "Oluşturulma: {created_at}"
TICKET_RESOLUTION: Final = "Çözüm: {resolution}"
TICKET_RESOLVED_AT: Final = "Çözülme zamanı: {resolved_at}"
TICKET_NOTES: Final = "Teknisyen notu: {technician_notes}"

SPEED_TEST: Final = (
    "Hız testi sonucunuz:\n"
    "• İndirme: {download} Mbps\n"
    "• Yükleme: {upload} Mbps\n"
    "• Gecikme (ping): {ping} ms\n"
    "Bağlantı kalitesi: {quality}"
)
SPEED_TEST_DETAILS: Final = "Test sunucusu: {server} · {timestamp}"
# A speed test while an outage is active in the customer's city.
SPEED_AREA_OUTAGES: Final = (
    "Bulunduğunuz ilde şu anda bilinen bir kesinti var; yaşadığınız yavaşlık bundan "
    "kaynaklanıyor olabilir:"
)
SPEED_AREA_OUTAGE_LINE: Final = "{area}: {issue} (tahmini bitiş {estimated_end})"
SPEED_AREA_OUTAGE_CLOSING: Final = (
    "Kesinti giderildiğinde hızınızın normale dönmesi beklenir. Sorun sonrasında da sürerse "
    "arıza kaydı açabilirim."
)

PROFILE: Final = "Profil bilgileriniz:\nAd soyad: {name}\nMüşteri numarası: {user_id}"
PROFILE_PHONE: Final = "{number} ({kind}, {status})"
PROFILE_PHONES: Final = "Telefon numaraları:"
PROFILE_EMAIL: Final = "E-posta: {email}"
PROFILE_ADDRESS: Final = "Adres: {address}"
PROFILE_SINCE: Final = "Müşteri başlangıç tarihi: {registration_date}"
PROFILE_TIER: Final = "Müşteri segmenti: {tier}"

# --- bill questions: a month, the highest or lowest bill, debt, an explanation -------

BILL_OF_MONTH: Final = (
    "{month} faturanız ({bill_id}): {amount}\nFatura tarihi: {bill_date}\nDurum: {status}"
)
BILL_PAID_ON: Final = "Ödeme tarihi: {paid_date}"
BILL_MONTH_NONE: Final = "{month} dönemine ait bir faturanız bulunmuyor."
BILLS_RANGE: Final = "Kayıtlı faturalarınız {first} ile {last} arasını kapsıyor."
BILL_HIGHEST: Final = (
    "Son {count} faturanız içinde en yüksek tutarlı olanı {bill_date} tarihli {bill_id} "
    "numaralı fatura: {amount} ({status})."
)
BILL_LOWEST: Final = (
    "Son {count} faturanız içinde en düşük tutarlı olanı {bill_date} tarihli {bill_id} "
    "numaralı fatura: {amount} ({status})."
)
BILL_SAME_AMOUNT: Final = "Bu tutarda {count} faturanız var; en yenisini yazdım."
BILLS_SUM: Final = "Bu {count} faturanın toplamı: {total}"
BILL_TYPICAL: Final = (
    "Faturanız genellikle {amount} geliyor: son {count} faturanızın {same} tanesi bu tutarda. "
    "Ortalaması {average}."
)
DEBT_NO_OVERDUE: Final = "Gecikmiş faturanız yok; son ödeme tarihi geçmiş bir faturanız bulunmuyor."
DEBT_NONE: Final = (
    "Ödenmemiş faturanız bulunmuyor; son {count} faturanızın tamamı ödenmiş, borcunuz yok."
)
DEBT_HEADER: Final = "Ödenmemiş {count} faturanız var; toplam borcunuz {total}:"
DEBT_LINE: Final = "{bill_date} · {bill_id}: {amount} ({status})"
BILL_DUE_DATE: Final = (
    "{bill_date} tarihli {bill_id} numaralı faturanızın ({amount}) son ödeme tarihi "
    "{due_date}; durumu: {status}."
)
DEBT_OVERDUE: Final = (
    "Son ödeme tarihi geçmiş faturanızı gecikme bedeli oluşmaması için önce ödemenizi öneririm."
)
DEBT_PAY_HINT: Final = (
    "Ödemek isterseniz “faturamı öde” yazmanız yeterli; en eski ödenmemiş faturanızdan başlanır."
)
BILL_EXPLAINED: Final = "{bill_id} numaralı faturanız {amount}. Faturanızın kalemleri:"
BILL_EXTRAS: Final = "Paket ücretinizin dışındaki kalemler faturanızı artırdı: {extras}."
BILL_NO_EXTRAS: Final = (
    "Faturanızda paket ücretiniz ve vergiler dışında ek bir kalem yok; tutar paket "
    "ücretinizden ve vergilerden oluşuyor."
)
BILL_ABOVE_USUAL: Final = (
    "Bu kalemler olmasa faturanız paket ücreti ve vergileriyle {usual} olurdu; bu ay {amount} "
    "gelmesinin nedeni ek kalemler ve onların vergileri: {difference} fark."
)
BILL_TAXES: Final = (
    "KDV ve Özel İletişim Vergisi, paket ücreti ve ek kalemlerin üzerinden hesaplanır."
)

PAYMENTS_IN_MONTH: Final = "{month} içinde {count} ödeme yaptınız, toplam {total}:"
PAYMENTS_IN_MONTH_NONE: Final = "{month} içinde kayıtlı bir ödemeniz bulunmuyor."

# --- a line that does not work --------------------------------------------------------

LINE_IS_SUSPENDED: Final = (
    "{numbers} numaralı hattınız şu anda askıda (dondurulmuş); bu yüzden arama yapamıyor, "
    "aranamıyor ve mobil veri kullanamıyorsunuz."
)
LINE_IS_ACTIVE: Final = "{numbers} numaralı hattınız aktif; hattınızda bir kısıtlama yok."
LINE_ACTIVE: Final = "Hattınız aktif; hattınızda bir kısıtlama yok."
LINE_OUTAGE_CAUSE: Final = (
    "Bölgenizdeki bu kesinti yaşadığınız sorunun nedeni olabilir; kesinti giderildiğinde "
    "hattınız normale dönecektir."
)
LINE_NO_OUTAGE: Final = "{region} için şebeke durumu: {status}; bilinen bir kesinti yok."

# --- a cheaper package ----------------------------------------------------------------

# "Taahhüdüm ne zaman bitiyor", "cayma bedeli ne kadar": the own package's commitment.
CONTRACT_LENGTH: Final = "{package} paketinizin taahhüt süresi {months} ay."
CONTRACT_DATES: Final = "Taahhüdünüz {start} tarihinde başladı; bitiş tarihi {end}."
CONTRACT_FEE: Final = (
    "Taahhüt bitmeden aboneliğinizi sonlandırırsanız cayma bedeli {fee} olarak uygulanır."
)
CONTRACT_ENDED: Final = (
    "Taahhüdünüz {start} tarihinde başladı ve {end} tarihinde sona erdi; aboneliğinizi "
    "sonlandırırsanız cayma bedeli uygulanmaz."
)
CONTRACT_NONE: Final = "{package} paketinizde bir taahhüt yok; cayma bedeli uygulanmaz."
# "Daha çok internetli paket": the packages that give more than the customer's own.
# Per feature: the unit after an amount, and the noun after "daha çok".
MORE_UNITS: Final = {
    "internet_gb": ("GB internet", "internet"),
    "voice_minutes": ("dakika", "dakika"),
    "sms_count": ("SMS", "SMS"),
}
MORE_HEADER: Final = "Paketinizde {own} {unit} var. Size açık, daha çok {noun} veren paketler:"
MORE_NONE: Final = (
    "Paketinizdeki {own} {unit}, size açık paketlerimizin en yükseği; daha çok {noun} veren "
    "bir paketimiz yok."
)
CHEAPER_HEADER: Final = "Mevcut paketiniz {package} (aylık {fee}). Size açık daha uygun paketler:"
CHEAPER_NONE: Final = "Mevcut paketiniz {package} (aylık {fee}) size açık paketlerimizin en uygunu."
CHEAPER_RESTRICTED: Final = "Daha düşük ücretli {names} yalnızca belirli müşteri gruplarına açık."
COMPARISON_HEADER: Final = "Karşılaştırma:"
COMPARISON_LINE: Final = (
    "{name}: aylık {monthly_fee} · {internet_gb} GB, {voice_minutes} dk, {sms_count} SMS"
)

# --- value labels ------------------------------------------------------------------

BILL_STATUS: Final = {"paid": "ödendi", "unpaid": "ödenmedi", "overdue": "gecikmiş"}
NETWORK_STATUSES: Final = {
    "operational": "normal",
    "normal": "normal",
    "ok": "normal",
    "good": "normal",
    "degraded": "kısmi sorun var",
    "partial_outage": "kısmi kesinti var",
    "outage": "kesinti var",
    "down": "kesinti var",
    "maintenance": "bakım çalışması var",
}
SPEED_QUALITY: Final = {
    "excellent": "mükemmel",
    "very_good": "çok iyi",
    "good": "iyi",
    "fair": "orta",
    "average": "orta",
    "poor": "zayıf",
    "bad": "kötü",
    "very_poor": "çok zayıf",
}
# Quality ratings after which the engine offers a fault ticket.
POOR_SPEED_QUALITY: Final = frozenset({"poor", "bad", "very_poor", "zayıf", "kötü"})
PHONE_KINDS: Final = {"primary": "ana hat", "secondary": "ek hat", "data": "data hattı"}
ON_OFF: Final = {True: "açık", False: "kapalı"}

# --- tool errors ---------------------------------------------------------------------
# A failed call is answered with the tool's own Turkish message when it has one
# (it is the most specific: amounts, dates), else with the explanation below;
# the next step, where there is one, follows either way.

ERROR_EXPLANATIONS: Final = {
    "INVALID_USER": "Müşteri kaydınıza ulaşamadım.",
    "LINK_REQUIRED": "Bu işlem için hesabınızın bu sohbete bağlı olması gerekiyor.",
    "FORBIDDEN": OTHER_CUSTOMER,
    "NO_BILL": "Şu anda ödenmemiş bir faturanız bulunmuyor.",
    "BILL_NOT_FOUND": "Bu numarayla bir fatura bulamadım.",
    "BILL_ALREADY_PAID": "Bu fatura zaten ödenmiş; yeniden ödemenize gerek yok.",
    "INVALID_METHOD": "Ödemeyi yalnızca kredi kartı ya da havale/EFT ile yapabilirsiniz.",
    "INSUFFICIENT_FUNDS": "Ödeme, bakiye yetersiz olduğu için gerçekleşmedi.",
    "CARD_DECLINED": "Kartınız bankanız tarafından reddedildi.",
    "PAYMENT_SYSTEM_TIMEOUT": "Ödeme sistemi şu anda yanıt vermiyor.",
    "INVALID_PACKAGE": "Bu adla bir paketimiz bulunmuyor.",
    "INELIGIBLE_FOR_PACKAGE": "Hesabınız bu pakete geçiş için uygun görünmüyor.",
    "SAME_PACKAGE": "Zaten bu paketi kullanıyorsunuz.",
    "NO_ACTIVE_PACKAGE": "Hesabınızda etkin bir paket bulunmuyor.",
    "INVALID_REGION": "Bu adla bir il ya da bölge bulamadım.",
    "DUPLICATE_TICKET_FOUND": "Bu konuda zaten açık bir arıza kaydınız var; yeni kayıt açmadım.",
    "TICKET_NOT_FOUND": "Bu numarayla bir arıza kaydı bulamadım.",
    "INVALID_CONTACT_TYPE": (
        "Yalnızca telefon numaranızı, e-posta adresinizi ya da adresinizi güncelleyebilirim."
    ),
    "CONTACT_UNCHANGED": "Yazdığınız bilgi kayıtlı bilginizle zaten aynı.",
    "NO_LINE": "Hesabınıza bağlı kullanımda bir hat bulunamadı.",
    "SUSPEND_FAILED": "Hattınızı şu anda dondurmayı başaramadım.",
    "LINE_ALREADY_SUSPENDED": "Hattınız zaten dondurulmuş durumda.",
    "LINE_NOT_SUSPENDED": "Hattınız zaten aktif; yeniden açılması gereken bir durum yok.",
    "LINE_SUSPENDED": "Hattınız dondurulmuş durumda olduğu için bu işlemi yapamıyorum.",
    "AUTOPAY_ALREADY_ENABLED": "Otomatik ödeme talimatınız zaten açık.",
    "AUTOPAY_ALREADY_DISABLED": "Otomatik ödeme talimatınız zaten kapalı.",
    "ROAMING_ALREADY_ENABLED": "Roaming hattınızda zaten açık.",
    "ROAMING_ALREADY_DISABLED": "Roaming hattınızda zaten kapalı.",
    "INVALID_ARGUMENT": "İsteğinizdeki bilgilerden biri geçerli görünmüyor.",
}
ERROR_NEXT_STEPS: Final = {
    "INVALID_USER": "Hesabınızı yeniden bağlamak için /start yazıp telefon numaranızı paylaşın.",
    "LINK_REQUIRED": "Hesabınızı bağlamak için /start yazıp telefon numaranızı paylaşın.",
    "BILL_NOT_FOUND": (
        "Fatura numarasını F-2026-004217 biçiminde yeniden yazabilir ya da “faturamı öde” "
        "diyerek güncel faturanızı ödeyebilirsiniz."
    ),
    "BILL_ALREADY_PAID": "Ödemelerinizi görmek isterseniz “ödeme geçmişim” yazabilirsiniz.",
    "INSUFFICIENT_FUNDS": "Başka bir kartla ya da havale/EFT ile yeniden deneyebilirsiniz.",
    "CARD_DECLINED": "Bankanızla görüşebilir ya da havale/EFT ile ödeyebilirsiniz.",
    "PAYMENT_SYSTEM_TIMEOUT": "Birkaç dakika sonra yeniden denemenizi rica ederim.",
    "INVALID_PACKAGE": "Güncel paketlerimiz: {names}.",
    "INELIGIBLE_FOR_PACKAGE": (
        "Size uygun paketleri görmek için “hangi paketler var” yazabilirsiniz."
    ),
    "DUPLICATE_TICKET_FOUND": "Mevcut kaydınız: {existing_ticket_id}.",
    "TICKET_NOT_FOUND": "Kayıt numarasını T-2026-000123 biçiminde yeniden yazabilirsiniz.",
    "SUSPEND_FAILED": "Lütfen biraz sonra yeniden deneyin.",
    "LINE_ALREADY_SUSPENDED": "Yeniden açmak isterseniz “hattımı aç” yazmanız yeterli.",
    "LINE_SUSPENDED": "Önce hattınızı yeniden açmak isterseniz “hattımı aç” yazabilirsiniz.",
}
ERROR_GENERIC: Final = "İşleminizi şu anda tamamlayamadım. Lütfen biraz sonra yeniden deneyin."
ERROR_UNREADABLE: Final = "Sistemden gelen yanıtı okuyamadım. Lütfen biraz sonra yeniden deneyin."

# --- understanding and tone (typos, English, several requests, other people, upset) ----

# Another person's account: never shown, never changed.
OTHER_PERSON_DATA: Final = (
    "Güvenliğiniz için yalnızca bu sohbete bağlı hesabın, yani kendi hesabınızın "
    "bilgilerini paylaşabiliyor ve yalnızca onunla işlem yapabiliyorum; başka birinin "
    "faturası, hattı ya da paketi hakkında bilgi veremem. Hesap sahibi bana kendi Telegram "
    "hesabından yazıp /start ile kendi numarasını paylaşarak bilgilerine ulaşabilir. "
    "Kendi hesabınızla ilgili her konuda yardımcı olabilirim."
)
# Before the answer to an angry or exasperated message (once in a while, not every turn).
UPSET_ACKNOWLEDGED: Final = "Yaşadığınız sorun için üzgünüm; hemen bakıyorum."
# Before the answer to a message written in English.
ANSWERING_IN_TURKISH: Final = "(Yanıtlarımı Türkçe veriyorum.)"
# After answering the read-only part of a message that also asked for an action.
OFFER_NEXT_REQUEST: Final = "İsterseniz {request} için de yardımcı olabilirim; başlatayım mı?"
# What each action is called in that offer.
REQUEST_NAMES: Final = {
    "pay_bill": "faturanızı ödemek",
    "setup_autopay": "otomatik ödeme talimatı",
    "change_package": "paket değişikliği",
    "enable_roaming": "roaming ayarınız",
    "create_fault_ticket": "arıza kaydı açmak",
    "update_customer_contact": "iletişim bilgilerinizi güncellemek",
    "suspend_line": "hattınızı dondurmak",
    "reactivate_line": "hattınızı yeniden açmak",
}

# A package compared with the customer's own (agent.rules.account_questions).
OWN_COMPARISON_CURRENT: Final = "Mevcut paketiniz ({name})"
OWN_COMPARISON_LINE: Final = (
    "{label}: aylık {monthly_fee} · {internet_gb} GB, {voice_minutes} dk, {sms_count} SMS"
)
OWN_COMPARISON_MORE: Final = (
    "Aylık fark: {name}, mevcut paketinizden {difference} daha pahalı; geçerseniz her ay "
    "{difference} daha fazla ödersiniz."
)
OWN_COMPARISON_LESS: Final = (
    "Aylık fark: {name}, mevcut paketinizden {difference} daha ucuz; geçerseniz her ay "
    "{difference} daha az ödersiniz."
)
OWN_COMPARISON_EQUAL: Final = "Aylık fark yok: iki paketin aylık ücreti aynı ({monthly_fee})."
OWN_COMPARISON_MORE_DATA: Final = "Yeni pakette ayda {gb} GB daha fazla internet var."
OWN_COMPARISON_LESS_DATA: Final = "Yeni pakette ayda {gb} GB daha az internet var."
OWN_COMPARISON_COMMITMENT: Final = "Taahhüt süresi {months} ay, cayma bedeli {cancellation}."
OWN_COMPARISON_SAME_PACKAGE: Final = (
    "{name} zaten mevcut paketiniz (aylık {monthly_fee}); aylık ücrette bir fark olmaz."
)

# Whether automatic payment is on (get_customer_profile's autopay_enabled).
AUTOPAY_STATUS_OFF: Final = (
    "Otomatik ödeme talimatınız şu anda kapalı; faturalarınız otomatik olarak ödenmiyor."
)
AUTOPAY_STATUS_ON: Final = (
    "Otomatik ödeme talimatınız açık: faturalarınız son ödeme tarihinde otomatik olarak "
    "ödeniyor. Kapatmak isterseniz “otomatik ödemeyi kapat” yazmanız yeterli."
)
AUTOPAY_STATUS_ON_WITH: Final = (
    "Otomatik ödeme talimatınız açık: faturalarınız son ödeme tarihinde {method} otomatik "
    "olarak ödeniyor. Kapatmak isterseniz “otomatik ödemeyi kapat” yazmanız yeterli."
)
AUTOPAY_METHODS: Final = {
    "credit_card": "kayıtlı kredi kartınızdan",
    "bank_transfer": "banka hesabınızdan",
}

# A disputed bill item.
DISPUTE_ACKNOWLEDGED: Final = (
    "Anlıyorum; onaylamadığınız bir ücretin faturanıza yansıması gerçekten can sıkıcı."
)
DISPUTE_ITEM: Final = "İtiraz ettiğiniz kalem: {item}."
DISPUTE_NEXT_STEP: Final = (
    "Fatura kalemlerini buradan düzeltemiyorum; bir itiraz kaydı açılırsa fatura ekibimiz "
    "ücreti inceler, hatalıysa düzeltir."
)
OFFER_BILLING_TICKET: Final = "İsterseniz bu ücret için itiraz kaydı açabilirim; açayım mı?"

# Impatience about a ticket.
IMPATIENCE_ACKNOWLEDGED: Final = "Beklediğiniz için gerçekten üzgünüm, haklısınız."
IMPATIENCE_RESOLVED: Final = (
    "{ticket_id} numaralı kaydınız {resolved_at} tarihinde çözüldü olarak kapatılmış; "
    "sorun sürüyorsa yeniden ele alınması gerekiyor."
)
TICKET_ESTIMATE: Final = "Tahmini çözüm: {estimate}"
HUMAN_AGENT_OFFER: Final = HUMAN_AGENT
