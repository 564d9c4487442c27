"""The vocabulary the intent scorers look for, in folded form.

Each tuple lists cues (see ``normalize`` for the syntax: words match as
prefixes of consecutive tokens, ``$`` asks for the whole word). They are
written for the language, not for particular example sentences: verb stems
with their usual suffixes, the no-diacritics spelling people type, and the
English tool words copied from API documentation. ``intents`` combines them.
"""

from __future__ import annotations

import re

BILL = ("fatura", "borc", "bill", "odenecek tutar")

BILL_MINE = (
    "faturam",
    "faturalarim",
    "borcum",
    "fatura tutar",
    "bu ayki fatura",
    "bu ayin fatura",
    "guncel fatura",
    "guncel borc",
    "son fatura$",
    "son faturam",
    "son odeme tarih",
    "current bill",
)

REQUEST = (
    "goster",
    "ogren",
    "bak",
    "gor",
    "nedir",
    "ne kadar",
    "kac",
    "gonder",
    "sorgula",
    "kontrol",
    "getir",
    "listele",
    "ne zaman",
    "nerede",
    "yuksek",
)

PAST = ("gecmis", "onceki", "eski", "gecen", "past", "arsiv", "yillik")
MONTHS = (
    "ocak",
    "subat",
    "mart$",
    "marti$",
    "nisan",
    "mayis",
    "haziran",
    "temmuz",
    "agustos",
    "eylul",
    "ekim$",
    "ekim ay",
    "kasim ay",
    "aralik ay",
)

HISTORY = (
    "odeme gecmis",
    "gecmis odeme",
    "odemeler",
    "yaptigim odeme",
    "odeme kayit",
    "odeme hareket",
    "son odemem",
    "odedigim",
    "payment history",
    "odeme yapmis",
    "odeme yaptim",
    "ne zaman odedim",
    "odedim mi",
    "odeme islemlerim",
    "odeme dokum",
    "odemisim",
    "ne kadar odedim",
    "odedim$",
    "odemistim",
    "odemistik",
    "odemisim",
    "nasil odedim",
    "nasil odemis",
    "neyle odedim",
    "ne ile odedim",
    "hangi yontemle ode",
    "kartla mi ode",
    "havaleyle mi ode",
    "en son ne zaman ode",
    "son ne zaman ode",
    "odemeyi ne zaman yaptim",
    "odememi ne zaman",
)

AUTOPAY = (
    "otomatik odeme",
    "otomatik ode",
    "oto odeme",
    "otomatik talimat",
    "odeme talimat",
    "otomatik olarak ode",
    "otomatik cek",
    "duzenli odeme",
    "kendiliginden ode",
    "otomatik olarak cek",
    "otomatik olarak kart",
    "her ay kartimdan",
    "her ay otomatik",
    "otomatikman",
    "autopay",
    "auto pay",
)

INFO_QUESTION = (
    "guvenli",
    "nasil calis",
    "nasil isli",
    "nasil hesap",
    "ne demek",
    "nedir$",
    "ucret",
    "ne kadar tut",
    "fiyat",
    "avantaj",
    "tam olarak",
    "ne ise yarar",
    "ne ise yariyor",
    "anlatir misin",
    "anlatir misiniz",
    "anlatabilir misin",
    "bilgi verir misin",
)

PACKAGE = ("paket", "tarife", "kampanya", "package")

MY_PACKAGE = (
    "paket icerigim",
    "tarife icerigim",
    "paketim",
    "tarifem",
    "mevcut paket$",
    "mevcut paketi$",
    "mevcut tarife$",
    "kullandigim paket",
    "kullandigim tarife",
    "su anki paket",
    "su anki tarife",
    "simdiki paket",
    "paket bilgi",
    "paket detaylarim",
    "paket ayrintilarim",
    "customer package",
    "hangi tarifede",
    "hangi pakette",
    "tarifedeyim",
    "paketteyim",
    "aboneligim",
)

# "kullanmak", "kullanabilmek" but not "kullanmayacağım", "kullanmıyorum".
USE = re.compile(r"^kullan(?!may|mam|mim|miy|mad)")

# Verbs of moving to another package: "geçmek", "geçiş", "geçir", "geç", "değiştir" ...
CHANGE = re.compile(
    r"^(gec(mek|me[ky]|mem|meyi|mesi|is|ir|ebil|elim|eyim|er|sem|sin|ecegim|icem|in|$)"
    r"|degis|yukselt|artir|buyut|yararlan|tasi|guncelle|abone ol)"
)

UPGRADE = ("daha fazla", "daha cok", "daha yuksek", "daha buyuk", "daha ucuz", "yetmiyor")

WANT = ("istiyorum", "isterim", "olsun", "yararlan", "almak", "alabilir", "aktif et", "abone")

LIST = (
    "hangi paket",
    "hangi tarife",
    "hangi kampanya",
    "paketleriniz",
    "paketler",
    "tarifeler",
    "kampanyalar",
    "kampanyaniz",
    "paketiniz",
    "tarifeniz",
    "secenek",
    "neler var",
    "paket var mi",
    "tarife var mi",
    "available package",
    "en uygun",
    "en ucuz",
    "tum paket",
    "paket liste",
    "paket oner",
    "ne tur paket",
)

DETAILS = (
    "detay",
    "ayrinti",
    "icerig",
    "icerik",
    "ozellik",
    "fiyat",
    "ucret",
    "kac tl",
    "kac gb",
    "kac dakika",
    "ne kadar",
    "bilgi",
    "taahhut",
    "cayma",
    "nedir",
    "ne var",
    "hakkinda",
    "neler",
    "package detail",
)

QUOTA = (
    "kota",
    "kalan",
    "kaldi",
    "remaining",
    "kullanim hak",
    "dakikam",
    "sms hak",
    "ne kadar internet",
    "kac gb",
    "kac dakika",
    "kac sms",
    "ne kadar kullandim",
    "kullandim",
    "harcadim",
    "tukettim",
    "internetim bitti",
    "internetim bit",
    "hakkim",
    "haklarim",
)

QUOTA_NOT = ("kalan borc", "kalan tutar", "kalan odeme", "kalan fatura")

ROAMING = ("roaming", "dolasim", "yurt disi paket")

ABROAD = ("yurt disi", "yurt disinda", "yurt disina", "ulke disi")

TRAVEL = ("seyahat", "gidiyorum", "gidecegim", "gidicem", "tatile", "yolculuk", "ucus")

USE_ABROAD = ("calissin", "calisir mi", "ac", "aktif")

NETWORK = (
    "sebeke",
    "kapsama",
    "kesinti",
    "baz istasyon",
    "network",
    "ag durum",
    "altyapi",
    "bolgede",
    "bolgemde",
    "bolgesinde",
    "ariza var mi",
    "sorun var mi",
    "genel ariza",
    "toplu ariza",
    "cekim gucu",
)

FAULT_REQUEST = (
    "ariza kayd",
    "ariza bildir",
    "ariza olustur",
    "ariza ac",
    "destek kayd",
    "sikayet",
    "fault ticket",
    "kayit ac",
    "kayit olustur",
    "acin kayd",
    "ac kayd",
    "talep olustur",
    "servis kayd",
)

SYMPTOM = (
    "cekmiyor",
    "calismiyor",
    "kopuyor",
    "kesiliyor",
    "kesik",
    "gitmiyor",
    "gelmiyor",
    "baglanamiyor",
    "baglanmiyor",
    "acilmiyor",
    "duymuyor",
    "duyamiyor",
    "bozuk",
    "kesinti var",
    "internet yok",
    "internetim yok",
    "baglantim yok",
    "baglanti yok",
    "sinyal yok",
    "hat yok",
    "sebeke yok",
    "cekim yok",
    "servis yok",
    "hizmet yok",
    "ariza var",
    "gidip geliyor",
)

SUBJECT = ("internet", "hat", "arama", "sms", "mesaj", "telefon", "modem", "sebeke", "veri")

VAGUE_PROBLEM = ("sorun", "problem", "ariza")

# Negative present tense: "çalışmıyor", "ulaşmıyor", "bağlanamıyorum" ...
NEGATIVE_VERB = re.compile(r"m[iu]yor")

# ... except verbs that say nothing about a fault.
NOT_A_SYMPTOM = (
    "istemiyor",
    "bilmiyor",
    "anlamiyor",
    "gerekmiyor",
    "sevmiyor",
    "begenmiyor",
    "kullanmiyor",
    "dusunmuyor",
    "hatirlamiyor",
)

# A ticket spoken of, fault or billing: "arıza kaydım", "itiraz kaydı", "şikayetim".
TICKET_WORDS = (
    "ariza kayd",
    "ariza",
    "kaydim",
    "kaydimin",
    "itiraz kayd",
    "sikayet kayd",
    "sikayetim",
    "itirazim",
    "ticket",
    "basvuru",
    "talebim",
)

TICKET_STATUS = (
    "durum",
    "ne oldu",
    "cozuldu",
    "cozul",
    "ne zaman",
    "akibet",
    "ne asama",
    "sonuc",
    "takip",
    "ne alemde",
    "ilgilen",
)

SPEED = (
    "yavas",
    "hiz$",
    "hizim",
    "hizi$",
    "hizimi",
    "hizini",
    "hizi dusuk",
    "hiz test",
    "speed",
    "donuyor",
    "kasiyor",
    "surunuyor",
    "kaplumbaga",
    "mbps",
)

MEASURE = ("olc", "test")

PROFILE = (
    "profil",
    "bilgilerim",
    "hesap bilgi",
    "musteri bilgi",
    "kisisel bilgi",
    "uyelik bilgi",
    "customer profile",
    "kayitli",
    "adresim ne",
    "epostam ne",
    "kim adina",
    "kac hatt",
    "kac tane hat",
    "kac numara",
    "kac tane numara",
    "hatlarim",
    "hatlarimi",
    "ana hat",
    "ana numara",
    "numaralarim",
    "numaralarimi",
    "mail adresim",
    "email adresim",
    "emailim ne",
    "eposta adresim",
    "e posta adresim",
    "mailim ne",
    "epostam$",
    "adresim dogru",
    "adresim guncel",
    "adresimi gor",
    "adresim neydi",
    "adresim nedir",
    "musteri seviye",
    "seviyem",
    "segment",
    "musteri tip",
    "musteri grub",
    "ne zamandan beri musteri",
    "kac yildir musteri",
    "musteri numaram",
    "uyelik tarih",
)

CONTACT_CHANGE = ("degis", "guncelle", "kaydet", "duzelt", "update")
# Words that ask for a change only together with the new value ("numaramı 0532... yapın").
CONTACT_CHANGE_WITH_VALUE = (
    "yeni",
    "olarak",
    "yap",
    "ekle",
    "olsun",
    "artik",
    "degisti",
    "tasindim",
    "tasindik",
    "bundan sonra",
)

SUSPEND = (
    "dondur",
    "askiya al",
    "askiya alin",
    "gecici olarak kapat",
    "gecici kapat",
    "gecici olarak durdur",
    "gecici olarak iptal",
    "hattimi kapat",
    "hatti kapat",
    "hattimi durdur",
    "hattimi iptal",
    "hat iptal",
    "numarami kapat",
    "suspend",
)

REACTIVATE_VERB = ("ac$", "aca", "acin", "acil", "acma", "acab", "aktif", "aktiflestir", "ac ")

REACTIVATE_AGAIN = ("yeniden", "tekrar", "geri")

REACTIVATE = (
    "dondurma kaldir",
    "dondurmayi kaldir",
    "dondurmayi iptal",
    "dondurmayi bitir",
    "dondurma islemini kaldir",
    "dondurma islemini iptal",
    "askidan al",
    "askiyi kaldir",
    "reactivate",
)

SUSPENDED_LINE = ("dondurulan", "dondurulmus", "askidaki", "askiya alinan", "kapali hatt")

GREETING = (
    "merhaba",
    "merhb",
    "mrhb",
    "selam",
    "mrb",
    "slm",
    "iyi gunler",
    "gunaydin",
    "iyi aksamlar",
    "hey$",
)

GREETING_MORE = ("sa$", "selamun", "hello", "hi$", "meraba", "merhabalar")

HOW_ARE_YOU = ("nasilsin", "naber", "nasil gidiyor", "ne haber")

THANKS = (
    "tesekkur",
    "sagol",
    "sag ol",
    "eyvallah",
    "tsk",
    "eline saglik",
    "thank",
    "mersi",
    "razi olsun",
)

# "Döndüğümde tekrar yazarım", "ödeyince haber veririm": the customer leaves for now;
# no request in the message is for now either.
LATER = ("tekrar yazarim", "yine yazarim", "sonra yazarim", "sonra bakarim", "haber veririm")
GOODBYE = (
    "gorusuruz",
    "hosca kal",
    "gorusmek uzere",
    "bye",
    "iyi geceler",
    "kendine iyi bak",
    *LATER,
)

CAPABILITIES = (
    "sorum var",
    "sorum olacak",
    "kimsin",
    "bot mu",
    "robot mu",
    "yapay zeka",
    "ne yapabilir",
    "neler yapabilir",
    "nasil yardimci",
    "yardim",
    "help",
    "ne ise yar",
    "komut",
    "neler sorabilir",
    "ne sorabilir",
)

ACK = (
    "tamam",
    "ok$",
    "okey",
    "anladim",
    "peki",
    "harika",
    "super$",
    "mukemmel",
    "guzel",
    "memnun",
    "iyi$",
    "cozuldu",
    "oldu",
)

CANCEL = ("vazgec", "iptal", "bosver", "bos ver", "gerek yok", "kalsin")

PAY_VERB = re.compile(
    r"^(?:ode(?:mek|mem|meyi|yebil|yece|yeyim|yelim|yim|yin|sene|rmisin|r$|nsin|$)"
    r"|odi(?:y?c[ae][mkz]|yim|yelim)"  # spoken future and wish: "ödicem", "ödiyim"
    r"|yatir(?:mak|mam|abil|acag|ayim|alim|in|$)|pay$)"
)

PAST_TENSE = re.compile(r"(tim|dim|tik|dik|mis|mus|tig|dig|ildi)")

# English tool names and phrases people copy from the API documentation.
EXPLICIT_TOOLS: tuple[tuple[str, str], ...] = (
    ("fault ticket status", "get_fault_ticket_status"),
    ("ticket status", "get_fault_ticket_status"),
    ("fault ticket", "create_fault_ticket"),
    ("current bill", "get_current_bill"),
    ("past bill", "get_past_bills"),
    ("pay bill", "pay_bill"),
    ("payment history", "get_payment_history"),
    ("autopay", "setup_autopay"),
    ("auto pay", "setup_autopay"),
    ("customer package", "get_customer_package"),
    ("remaining quota", "get_remaining_quotas"),
    ("change package", "change_package"),
    ("available package", "get_available_packages"),
    ("package detail", "get_package_details"),
    ("network status", "check_network_status"),
    ("internet speed", "test_internet_speed"),
    ("speed test", "test_internet_speed"),
    ("customer profile", "get_customer_profile"),
    ("customer contact", "update_customer_contact"),
    ("suspend line", "suspend_line"),
    ("reactivate line", "reactivate_line"),
    ("enable roaming", "enable_roaming"),
    ("package degis", "change_package"),
    ("package aktif", "change_package"),
    ("package guncelle", "change_package"),
)

# "Roaming açık mı?": a question about the current state, not a request to change it.
ASKS_STATE = (
    "acik mi",
    "acikmi",
    "aktif mi",
    "aktifmi",
    "kapali mi",
    "kapalimi",
    "devrede mi",
    "acik olup olmadig",
    "aktif olup olmadig",
)
WEAK_SIGNAL = ("sinyal", "cekim", "sebeke")
WEAK = ("zayif", "dusuk", "yok$", "gitti", "kotu")

# "İnternetim kesildi", "hattım gitti": a past-tense failure of a service.
FAILED = ("kesildi", "koptu", "gitti", "bozuldu", "durdu", "yok$", "calismadi")
# Turning a suspension back: "dondurulmasını kaldırın", "askıyı iptal edin".
SUSPENSION_WORDS = ("dondur", "askiya", "askida", "askidan", "askiyi")
UNDO = ("kaldir", "iptal et", "iptal ed", "bitir", "sonlandir", "geri al")
# An add-on package asked for ("ek paket alabilir miyim", "5 GB ek internet yükleyin"):
# no tool sells one, so the answer says what can be done instead.
ADDON = ("ek paket", "ekpaket", "ek internet", "ek gb", "ek dakika", "ilave paket", "extra paket")
ADDON_WANTED = (
    "al$",
    "alabilir",
    "almak",
    "alay",
    "alsam",
    "alinir",
    "istiyorum",
    "isterim",
    "tanimla",
    "yukle",
    "satin",
    "ekle",
    "nasil",
    "lazim",
)
COMPLAINT = (
    "berbat",
    "rezalet",
    "biktim",
    "bikkin",
    "sikayetci",
    "memnun degil",
    "kotu hizmet",
    "kotu bir hizmet",
    "saka gibi",
)
# Exasperation without a complaint word: "üç gündür arıyorum kimse ilgilenmiyor".
EXASPERATION = (
    "kimse ilgilen",
    "kimse donmuyor",
    "kimse cevap",
    "gundur ariyorum",
    "gundur bekliyorum",
    "haftadir",
    "aydir ariyorum",
    "aydir bekliyorum",
    "yeter artik",
    "artik yeter",
    "hala cozulmedi",
    "hala cozmediniz",
    "hala duzelmedi",
    "insaf",
    "skandal",
    "rezil",
    "sinir oldum",
    "sinirlendim",
    "delirmek",
    "ciddi misiniz",
    "dalga mi geciyorsunuz",
    "sacma",
    "soygun",
    "kazik",
    "dolandirici",
    "hirsizlik",
    "kac kere soyle",
    "kac kez soyle",
    "kac defa",
    "usandim",
    "yoruldum",
    "bezdim",
)
