"""Fixed reference data of the operator: catalogue, regions, provinces.

The seed writes these into the database; the database is the source of truth
at run time. The rules backend reads the names from here to recognise them in
customer text before any tool runs.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from core.turkish import fold


@dataclass(frozen=True)
class PackageSpec:
    name: str
    monthly_fee: Decimal
    internet_gb: int
    voice_minutes: int
    sms_count: int
    roaming_enabled: bool = False
    international_minutes: int = 0
    setup_fee: Decimal = Decimal("0.00")
    contract_duration_months: int = 12
    cancellation_fee: Decimal = Decimal("0.00")
    target_audience: str | None = None
    eligibility: str | None = None  # student | civil_servant | business


# The original team's catalogue (../shared/reference/telekom-tools.md); the
# empty cells of the contract are filled with plausible market values.
CATALOGUE: tuple[PackageSpec, ...] = (
    PackageSpec(
        "Mega İnternet",
        Decimal("69.50"),
        50,
        1000,
        500,
        cancellation_fee=Decimal("150.00"),
        target_audience="Yoğun internet kullananlar",
    ),
    PackageSpec(
        "Öğrenci Dostu Tarife",
        Decimal("49.90"),
        30,
        500,
        250,
        contract_duration_months=6,
        target_audience="Öğrenciler",
        eligibility="student",
    ),
    PackageSpec(
        "Süper Konuşma",
        Decimal("59.90"),
        25,
        2000,
        1000,
        roaming_enabled=True,
        international_minutes=100,
        cancellation_fee=Decimal("120.00"),
        target_audience="Çok konuşanlar",
    ),
    PackageSpec(
        "Premium Paket",
        Decimal("89.90"),
        100,
        3000,
        1000,
        roaming_enabled=True,
        international_minutes=100,
        setup_fee=Decimal("25.00"),
        cancellation_fee=Decimal("250.00"),
        target_audience="Her şeyin en iyisini isteyenler",
    ),
    PackageSpec(
        "Full Paket",
        Decimal("89.90"),
        80,
        2500,
        1000,
        roaming_enabled=True,
        international_minutes=50,
        cancellation_fee=Decimal("200.00"),
        target_audience="Aile ve yoğun kullanım",
    ),
    PackageSpec(
        "Esnaf Paketi",
        Decimal("79.90"),
        60,
        2500,
        1500,
        cancellation_fee=Decimal("180.00"),
        target_audience="Küçük işletmeler",
        eligibility="business",
    ),
    PackageSpec(
        "Yurt Dışı Avantaj",
        Decimal("99.90"),
        40,
        1500,
        500,
        roaming_enabled=True,
        international_minutes=200,
        setup_fee=Decimal("25.00"),
        cancellation_fee=Decimal("250.00"),
        target_audience="Sık seyahat edenler",
    ),
    PackageSpec(
        "Gamer Pro",
        Decimal("99.90"),
        150,
        1000,
        500,
        cancellation_fee=Decimal("250.00"),
        target_audience="Oyuncular",
    ),
    PackageSpec(
        "Memur Özel",
        Decimal("55.00"),
        35,
        1500,
        750,
        target_audience="Kamu çalışanları",
        eligibility="civil_servant",
    ),
)

REGIONS: tuple[str, ...] = (
    "Marmara",
    "Ege",
    "İç Anadolu",
    "Akdeniz",
    "Karadeniz",
    "Doğu Anadolu",
    "Güneydoğu Anadolu",
)

# Plate code -> (province, region).
PROVINCES: dict[int, tuple[str, str]] = {
    1: ("Adana", "Akdeniz"),
    2: ("Adıyaman", "Güneydoğu Anadolu"),
    3: ("Afyonkarahisar", "Ege"),
    4: ("Ağrı", "Doğu Anadolu"),
    5: ("Amasya", "Karadeniz"),
    6: ("Ankara", "İç Anadolu"),
    7: ("Antalya", "Akdeniz"),
    8: ("Artvin", "Karadeniz"),
    9: ("Aydın", "Ege"),
    10: ("Balıkesir", "Marmara"),
    11: ("Bilecik", "Marmara"),
    12: ("Bingöl", "Doğu Anadolu"),
    13: ("Bitlis", "Doğu Anadolu"),
    14: ("Bolu", "Karadeniz"),
    15: ("Burdur", "Akdeniz"),
    16: ("Bursa", "Marmara"),
    17: ("Çanakkale", "Marmara"),
    18: ("Çankırı", "İç Anadolu"),
    19: ("Çorum", "Karadeniz"),
    20: ("Denizli", "Ege"),
    21: ("Diyarbakır", "Güneydoğu Anadolu"),
    22: ("Edirne", "Marmara"),
    23: ("Elazığ", "Doğu Anadolu"),
    24: ("Erzincan", "Doğu Anadolu"),
    25: ("Erzurum", "Doğu Anadolu"),
    26: ("Eskişehir", "İç Anadolu"),
    27: ("Gaziantep", "Güneydoğu Anadolu"),
    28: ("Giresun", "Karadeniz"),
    29: ("Gümüşhane", "Karadeniz"),
    30: ("Hakkari", "Doğu Anadolu"),
    31: ("Hatay", "Akdeniz"),
    32: ("Isparta", "Akdeniz"),
    33: ("Mersin", "Akdeniz"),
    34: ("İstanbul", "Marmara"),
    35: ("İzmir", "Ege"),
    36: ("Kars", "Doğu Anadolu"),
    37: ("Kastamonu", "Karadeniz"),
    38: ("Kayseri", "İç Anadolu"),
    39: ("Kırklareli", "Marmara"),
    40: ("Kırşehir", "İç Anadolu"),
    41: ("Kocaeli", "Marmara"),
    42: ("Konya", "İç Anadolu"),
    43: ("Kütahya", "Ege"),
    44: ("Malatya", "Doğu Anadolu"),
    45: ("Manisa", "Ege"),
    46: ("Kahramanmaraş", "Akdeniz"),
    47: ("Mardin", "Güneydoğu Anadolu"),
    48: ("Muğla", "Ege"),
    49: ("Muş", "Doğu Anadolu"),
    50: ("Nevşehir", "İç Anadolu"),
    51: ("Niğde", "İç Anadolu"),
    52: ("Ordu", "Karadeniz"),
    53: ("Rize", "Karadeniz"),
    54: ("Sakarya", "Marmara"),
    55: ("Samsun", "Karadeniz"),
    56: ("Siirt", "Güneydoğu Anadolu"),
    57: ("Sinop", "Karadeniz"),
    58: ("Sivas", "İç Anadolu"),
    59: ("Tekirdağ", "Marmara"),
    60: ("Tokat", "Karadeniz"),
    61: ("Trabzon", "Karadeniz"),
    62: ("Tunceli", "Doğu Anadolu"),
    63: ("Şanlıurfa", "Güneydoğu Anadolu"),
    64: ("Uşak", "Ege"),
    65: ("Van", "Doğu Anadolu"),
    66: ("Yozgat", "İç Anadolu"),
    67: ("Zonguldak", "Karadeniz"),
    68: ("Aksaray", "İç Anadolu"),
    69: ("Bayburt", "Karadeniz"),
    70: ("Karaman", "İç Anadolu"),
    71: ("Kırıkkale", "İç Anadolu"),
    72: ("Batman", "Güneydoğu Anadolu"),
    73: ("Şırnak", "Güneydoğu Anadolu"),
    74: ("Bartın", "Karadeniz"),
    75: ("Ardahan", "Doğu Anadolu"),
    76: ("Iğdır", "Doğu Anadolu"),
    77: ("Yalova", "Marmara"),
    78: ("Karabük", "Karadeniz"),
    79: ("Kilis", "Güneydoğu Anadolu"),
    80: ("Osmaniye", "Akdeniz"),
    81: ("Düzce", "Karadeniz"),
}

PACKAGE_NAME_SUFFIXES: tuple[str, ...] = ("paketi", "paket", "tarifesi", "tarife")


def package_match_key(name: str) -> str:
    """The forgiving look-up key of a package name: folded, without a Paket/Tarife suffix.

    "Premium Paket", "premium", "PREMİUM paketi" all give "premium".
    """
    key = fold(name)
    for suffix in PACKAGE_NAME_SUFFIXES:
        if key.endswith(" " + suffix):
            return key[: -len(suffix) - 1]
    return key


# Well-known districts (ilçe) of the larger provinces, for "Bornova'dayım" and
# "Kadıköy'de kesinti var mı": a network question answers for the district's
# province. Names that are also everyday words or first names ("Of", "Kaş",
# "Fatih", "Sur") and names shared by several provinces ("Yenişehir") are left out.
DISTRICTS: dict[str, tuple[str, ...]] = {
    "İstanbul": (
        "Adalar",
        "Arnavutköy",
        "Ataşehir",
        "Avcılar",
        "Bağcılar",
        "Bahçelievler",
        "Bakırköy",
        "Başakşehir",
        "Bayrampaşa",
        "Beşiktaş",
        "Beykoz",
        "Beylikdüzü",
        "Beyoğlu",
        "Büyükçekmece",
        "Çatalca",
        "Çekmeköy",
        "Esenler",
        "Esenyurt",
        "Eyüpsultan",
        "Gaziosmanpaşa",
        "Güngören",
        "Kadıköy",
        "Kağıthane",
        "Kartal",
        "Küçükçekmece",
        "Maltepe",
        "Pendik",
        "Sancaktepe",
        "Sarıyer",
        "Silivri",
        "Sultanbeyli",
        "Sultangazi",
        "Şile",
        "Şişli",
        "Tuzla",
        "Ümraniye",
        "Üsküdar",
        "Zeytinburnu",
    ),
    "Ankara": (
        "Çankaya",
        "Keçiören",
        "Yenimahalle",
        "Mamak",
        "Etimesgut",
        "Sincan",
        "Altındağ",
        "Pursaklar",
        "Gölbaşı",
        "Polatlı",
        "Kahramankazan",
    ),
    "İzmir": (
        "Bornova",
        "Karşıyaka",
        "Buca",
        "Bayraklı",
        "Çiğli",
        "Gaziemir",
        "Karabağlar",
        "Balçova",
        "Narlıdere",
        "Menemen",
        "Torbalı",
        "Urla",
        "Çeşme",
        "Seferihisar",
        "Menderes",
    ),
    "Bursa": ("Nilüfer", "Osmangazi", "Yıldırım", "İnegöl", "Gemlik", "Mudanya"),
    "Antalya": ("Muratpaşa", "Konyaaltı", "Kepez", "Alanya", "Manavgat", "Serik"),
    "Trabzon": ("Ortahisar", "Akçaabat", "Yomra", "Araklı"),
    "Diyarbakır": ("Kayapınar", "Bağlar"),
    "Erzurum": ("Yakutiye", "Palandöken", "Aziziye"),
    "Eskişehir": ("Tepebaşı", "Odunpazarı"),
    "Gaziantep": ("Şahinbey", "Şehitkamil"),
    "Adana": ("Seyhan", "Çukurova", "Yüreğir", "Sarıçam", "Ceyhan"),
    "Konya": ("Selçuklu", "Meram", "Karatay"),
    "Kocaeli": ("İzmit", "Gebze", "Darıca", "Gölcük", "Körfez"),
    "Mersin": ("Mezitli", "Toroslar", "Tarsus"),
    "Muğla": ("Bodrum", "Marmaris", "Fethiye", "Dalaman", "Milas"),
    "Aydın": ("Kuşadası", "Didim", "Efeler"),
    "Balıkesir": ("Ayvalık", "Edremit", "Bandırma"),
    "Samsun": ("Atakum", "İlkadım", "Canik"),
}


# Business rules of the operator (../shared/reference/telekom-tools.md), read by the
# tools that apply them and by the rules backend that quotes them.
ROAMING_DAILY_FEE = Decimal("25.00")
ROAMING_DAILY_GB = 1
REACTIVATION_FEE = Decimal("25.00")
MAX_SUSPENSION_DAYS = 90
