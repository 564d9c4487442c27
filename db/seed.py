"""The demo operator: a realistic, deterministic data set for demos and tests.

``python -m db seed`` (or :func:`seed_database`) fills the catalogue, regions
and provinces, a few outages, and customers 1001 upwards with lines,
subscriptions, 12 months of bills with line items, payments and tickets.
Everything is derived from the customer number and ``today``, so the same day
gives the same data; running it twice adds nothing (rows are keyed).

Fixed customers the tests and the README rely on:

- 1001: Mega İnternet, an unpaid current bill.
- 1002: Premium Paket, gold tier, every bill paid.
- 1003: primary line suspended.
- 1004: an overdue bill (last month's, unpaid).

Customer N's primary line is ``+90532000`` followed by N in four digits.
"""

from __future__ import annotations

import logging
import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from core.turkish import ISTANBUL, fold, quantize_money
from db.advisory_locks import schema_lock
from db.models import (
    Bill,
    BillItem,
    Customer,
    FaultTicket,
    IdSequence,
    Outage,
    Package,
    Payment,
    PhoneLine,
    Province,
    Region,
    Subscription,
)
from db.reference_data import CATALOGUE, PROVINCES, REGIONS, package_match_key

log = logging.getLogger(__name__)

FIRST_CUSTOMER = 1001
DEFAULT_CUSTOMER_COUNT = 60
MONTHS_OF_BILLS = 12
# Seeded public ids stay below these; ids issued at run time start above them.
SEEDED_ID_CEILING = 10_000

_FIRST_NAMES = (
    "Ahmet",
    "Ayşe",
    "Mehmet",
    "Fatma",
    "Mustafa",
    "Emine",
    "Ali",
    "Hatice",
    "Hüseyin",
    "Zeynep",
    "İbrahim",
    "Elif",
    "Hasan",
    "Meryem",
    "Yusuf",
    "Şerife",
    "Ömer",
    "Özlem",
    "Murat",
    "Gülşen",
    "Emre",
    "Büşra",
    "Can",
    "Çiğdem",
    "Oğuz",
    "İpek",
    "Serkan",
    "Dilek",
    "Burak",
    "Ebru",
)
_LAST_NAMES = (
    "Yılmaz",
    "Kaya",
    "Demir",
    "Şahin",
    "Çelik",
    "Yıldız",
    "Yıldırım",
    "Öztürk",
    "Aydın",
    "Özdemir",
    "Arslan",
    "Doğan",
    "Kılıç",
    "Aslan",
    "Çetin",
    "Kara",
    "Koç",
    "Kurt",
    "Özkan",
    "Şimşek",
    "Polat",
    "Korkmaz",
    "Erdoğan",
    "Güneş",
    "Aksoy",
    "Bulut",
    "Ünal",
    "Türkmen",
)
_STREETS = (
    "Atatürk Caddesi",
    "Cumhuriyet Caddesi",
    "İstiklal Caddesi",
    "Gazi Bulvarı",
    "Fevzi Çakmak Sokak",
    "Menekşe Sokak",
    "Lale Sokak",
    "Bağdat Caddesi",
    "Kordonboyu",
    "Mimar Sinan Caddesi",
    "Çiçek Sokak",
    "Yavuz Selim Caddesi",
)
_CITY_DISTRICTS = {
    "İstanbul": ("Kadıköy", "Beşiktaş", "Üsküdar", "Bakırköy", "Şişli"),
    "Ankara": ("Çankaya", "Keçiören", "Yenimahalle"),
    "İzmir": ("Bornova", "Karşıyaka", "Konak"),
    "Bursa": ("Nilüfer", "Osmangazi"),
    "Antalya": ("Muratpaşa", "Konyaaltı"),
    "Trabzon": ("Ortahisar", "Akçaabat"),
    "Diyarbakır": ("Kayapınar", "Bağlar"),
    "Erzurum": ("Yakutiye", "Palandöken"),
    "Eskişehir": ("Tepebaşı", "Odunpazarı"),
    "Gaziantep": ("Şahinbey", "Şehitkamil"),
}
_TIERS = ("standard", "standard", "standard", "silver", "silver", "gold", "platinum")
_COVERAGE = {
    "Marmara": 99.2,
    "Ege": 98.4,
    "İç Anadolu": 97.9,
    "Akdeniz": 97.6,
    "Karadeniz": 95.8,
    "Doğu Anadolu": 93.1,
    "Güneydoğu Anadolu": 94.7,
}
# (region, area, issue, hours since start (negative: planned, not begun), hours until estimated end)
_OUTAGES = (
    ("Ege", "İzmir - Bornova", "Fiber hat kesintisi nedeniyle mobil internet yavaşlığı", 3, 5),
    ("Karadeniz", "Trabzon - Akçaabat", "Baz istasyonu bakım çalışması", 20, 4),
    ("Marmara", "İstanbul - Kadıköy", "Planlı şebeke iyileştirme çalışması", -30, 34),
)
_TICKET_SAMPLES = (
    (
        "internet",
        "İnternet bağlantım sık sık kopuyor.",
        "Bölgedeki baz istasyonunda arıza giderildi.",
        "Sinyal seviyeleri normale döndü.",
    ),
    (
        "voice",
        "Aramalarda ses gidip geliyor.",
        "Hat yeniden yapılandırıldı.",
        "Müşterinin hattı ağda yeniden kaydedildi.",
    ),
    (
        "billing",
        "Faturamda tanımadığım bir ücret var.",
        "Hatalı ücret iade edildi.",
        "Ek paket ücreti iptal edilip iade yapıldı.",
    ),
    ("sms", "SMS gönderemiyorum.", "SMS merkezi ayarı düzeltildi.", "SMSC numarası güncellendi."),
)

# Demo customers whose state the tests and README describe.
_FIXED: dict[int, dict[str, str | None]] = {
    1001: {
        "first": "Ahmet",
        "last": "Yılmaz",
        "package": "Mega İnternet",
        "tier": "silver",
        "city": "İstanbul",
        "segment": None,
    },
    1002: {
        "first": "Ayşe",
        "last": "Kaya",
        "package": "Premium Paket",
        "tier": "gold",
        "city": "Ankara",
        "segment": None,
    },
    1003: {
        "first": "Mehmet",
        "last": "Demir",
        "package": "Süper Konuşma",
        "tier": "standard",
        "city": "İzmir",
        "segment": None,
    },
    1004: {
        "first": "Fatma",
        "last": "Şahin",
        "package": "Öğrenci Dostu Tarife",
        "tier": "standard",
        "city": "Bursa",
        "segment": "student",
    },
}


@dataclass(frozen=True)
class SeedReport:
    customers_added: int
    bills_added: int
    packages_added: int

    @property
    def changed(self) -> bool:
        return bool(self.customers_added or self.bills_added or self.packages_added)


def primary_number(customer_id: int) -> str:
    """``1001`` -> ``"+905320001001"``."""
    return f"+90532000{customer_id:04d}"


def istanbul_today() -> date:
    return datetime.now(ISTANBUL).date()


async def seed_database(
    sessions: async_sessionmaker[AsyncSession],
    *,
    today: date | None = None,
    customers: int = DEFAULT_CUSTOMER_COUNT,
) -> SeedReport:
    """Fill the demo operator; idempotent. Returns what was added.

    Runs under the schema lock (``db.advisory_locks``): two processes seeding
    at once add the data once, the second finding it there.
    """
    today = today or istanbul_today()
    engine = sessions.kw["bind"]
    async with schema_lock(engine), sessions() as session, session.begin():
        packages_added = await _seed_catalogue(session)
        await _seed_geography(session, today)
        packages = {p.name: p for p in (await session.scalars(select(Package))).all()}
        existing = set(
            (await session.scalars(select(Customer.id).where(Customer.id >= FIRST_CUSTOMER))).all()
        )
        customers_added = bills_added = 0
        for customer_id in range(FIRST_CUSTOMER, FIRST_CUSTOMER + customers):
            if customer_id in existing:
                continue
            bills_added += _add_customer(session, customer_id, packages, today)
            customers_added += 1
        await _raise_sequences(session, today)
    report = SeedReport(customers_added, bills_added, packages_added)
    log.info(
        "seed: %d customers, %d bills, %d packages added",
        report.customers_added,
        report.bills_added,
        report.packages_added,
    )
    return report


async def _seed_catalogue(session: AsyncSession) -> int:
    known = set((await session.scalars(select(Package.name))).all())
    added = 0
    for spec in CATALOGUE:
        if spec.name in known:
            continue
        session.add(
            Package(
                name=spec.name,
                match_key=package_match_key(spec.name),
                monthly_fee=spec.monthly_fee,
                setup_fee=spec.setup_fee,
                internet_gb=spec.internet_gb,
                voice_minutes=spec.voice_minutes,
                sms_count=spec.sms_count,
                international_minutes=spec.international_minutes,
                roaming_enabled=spec.roaming_enabled,
                contract_duration_months=spec.contract_duration_months,
                cancellation_fee=spec.cancellation_fee,
                target_audience=spec.target_audience,
                eligibility=spec.eligibility,
            )
        )
        added += 1
    await session.flush()
    return added


async def _seed_geography(session: AsyncSession, today: date) -> None:
    regions = {r.name: r for r in (await session.scalars(select(Region))).all()}
    now = _at(today, 12)
    for name in REGIONS:
        if name not in regions:
            region = Region(
                name=name, match_key=fold(name), coverage_percentage=_COVERAGE[name], updated_at=now
            )
            session.add(region)
            regions[name] = region
    await session.flush()
    known_provinces = set((await session.scalars(select(Province.id))).all())
    for plate, (province, region_name) in PROVINCES.items():
        if plate not in known_provinces:
            session.add(
                Province(
                    id=plate,
                    name=province,
                    match_key=fold(province),
                    region_id=regions[region_name].id,
                )
            )
    known_areas = set((await session.scalars(select(Outage.area))).all())
    for region_name, area, issue, started_h, remaining_h in _OUTAGES:
        if area in known_areas:
            continue
        start = now - timedelta(hours=started_h)
        end = now + timedelta(hours=remaining_h)
        resolved = end if end < now else None
        session.add(
            Outage(
                region_id=regions[region_name].id,
                area=area,
                issue=issue,
                start_time=start,
                estimated_end=end,
                resolved_at=resolved,
            )
        )
    await session.flush()


def _add_customer(
    session: AsyncSession, customer_id: int, packages: dict[str, Package], today: date
) -> int:
    rng = random.Random(customer_id * 7919)
    fixed = _FIXED.get(customer_id, {})
    city = fixed.get("city") or rng.choice(sorted(_CITY_DISTRICTS))
    first = fixed.get("first") or rng.choice(_FIRST_NAMES)
    last = fixed.get("last") or rng.choice(_LAST_NAMES)
    segment = (
        fixed["segment"]
        if fixed
        else rng.choice((None, None, None, "student", "civil_servant", "business"))
    )
    tier = fixed.get("tier") or rng.choice(_TIERS)
    registration = today - timedelta(days=400 + rng.randrange(0, 2500))
    customer = Customer(
        id=customer_id,
        first_name=first,
        last_name=last,
        email=f"{_ascii(first)}.{_ascii(last)}{customer_id}@example.com.tr",
        address=(
            f"{rng.choice(_STREETS)} No: {rng.randint(1, 180)} D: {rng.randint(1, 24)}, "
            f"{rng.choice(_CITY_DISTRICTS[city])}, {city}"
        ),
        city=city,
        tier=tier,
        segment=segment,
        registration_date=registration,
        autopay_enabled=customer_id not in _FIXED and rng.random() < 0.3,
        autopay_method="credit_card",
    )
    session.add(customer)
    line = PhoneLine(
        customer=customer,
        number=primary_number(customer_id),
        line_type="primary",
        technology=rng.choice(("4.5G", "4.5G", "4G", "5G")),
        signal_quality=rng.randint(55, 98),
        activated_at=_at(registration, 10),
    )
    if customer_id == 1003:
        line.status = "suspended"
        line.suspended_at = _at(today - timedelta(days=20), 9)
        line.suspension_reason = "Yurt dışında uzun süreli bulunma"
    session.add(line)
    if rng.random() < 0.15:
        session.add(
            PhoneLine(
                customer=customer,
                number=f"+90555100{customer_id:04d}",
                line_type="data",
                technology="4.5G",
                signal_quality=rng.randint(55, 98),
                activated_at=_at(registration + timedelta(days=90), 10),
            )
        )

    package_name = fixed.get("package") or _package_for(segment, rng)
    package = packages[package_name]
    period_start = today - timedelta(days=12)
    period_end = _add_months(period_start, 1) - timedelta(days=1)
    used = (
        (0.37, 0.41, 0.22)
        if customer_id == 1001
        else (rng.uniform(0.1, 0.9), rng.uniform(0.1, 0.9), rng.uniform(0.05, 0.6))
    )
    session.add(
        Subscription(
            customer=customer,
            line=line,
            package=package,
            status="active",
            activation_date=max(registration, today - timedelta(days=30 * rng.randint(2, 30))),
            renewal_date=period_end + timedelta(days=1),
            period_start=period_start,
            period_end=period_end,
            internet_used_mb=int(package.internet_gb * 1024 * used[0]),
            voice_used_minutes=int(package.voice_minutes * used[1]),
            sms_used=int(package.sms_count * used[2]),
        )
    )
    bills = _add_bills(session, customer, line, package, today, rng)
    _add_tickets(session, customer_id, today, rng)
    return bills


def _add_bills(
    session: AsyncSession,
    customer: Customer,
    line: PhoneLine,
    package: Package,
    today: date,
    rng: random.Random,
) -> int:
    """12 monthly bills, newest issued 6 days ago and due in 14 days."""
    current_bill_date = today - timedelta(days=6)
    current_unpaid = customer.id == 1001 or (customer.id not in _FIXED and rng.random() < 0.45)
    previous_unpaid = customer.id == 1004 or (customer.id not in _FIXED and rng.random() < 0.12)
    for months_back in range(MONTHS_OF_BILLS):
        bill_date = _add_months(current_bill_date, -months_back)
        period_end = bill_date - timedelta(days=1)
        bill_no = (customer.id - 1000) * 100 + (MONTHS_OF_BILLS - months_back)
        bill = Bill(
            id=f"F-{bill_date.year}-{bill_no:06d}",
            customer_id=customer.id,
            line=line,
            period_start=_add_months(period_end, -1) + timedelta(days=1),
            period_end=period_end,
            bill_date=bill_date,
            due_date=bill_date + timedelta(days=20),
            amount=Decimal("0.00"),
            currency="TRY",
        )
        items = [(f"{package.name} aylık ücreti", package.monthly_fee)]
        if rng.random() < 0.25:
            items.append(("Ek paket: 5 GB internet", Decimal("29.90")))
        if package.roaming_enabled and rng.random() < 0.15:
            items.append(
                ("Yurt dışı kullanım", quantize_money(Decimal(rng.randint(2500, 9000)) / 100))
            )
        base = sum((amount for _, amount in items), Decimal("0"))
        items.append(("KDV (%20)", quantize_money(base * Decimal("0.20"))))
        items.append(("Özel İletişim Vergisi (%10)", quantize_money(base * Decimal("0.10"))))
        bill.items = [BillItem(service_name=name, amount=amount) for name, amount in items]
        bill.amount = sum((amount for _, amount in items), Decimal("0.00"))
        unpaid = (months_back == 0 and current_unpaid) or (months_back == 1 and previous_unpaid)
        if not unpaid:
            paid_day = bill_date + timedelta(days=rng.randint(2, 18))
            if months_back == 0 and paid_day > today:
                paid_day = today - timedelta(days=1)
            bill.paid_at = _at(paid_day, rng.randint(9, 21))
            method = (
                "autopay"
                if customer.autopay_enabled
                else rng.choice(("credit_card", "credit_card", "bank_transfer"))
            )
            txn_no = (customer.id - 1000) * 100 + (MONTHS_OF_BILLS - months_back)
            bill.payments = [
                Payment(
                    id=f"TXN-{paid_day.year}-{txn_no:06d}",
                    customer_id=customer.id,
                    amount=bill.amount,
                    method=method,
                    status="completed",
                    created_at=bill.paid_at,
                )
            ]
        session.add(bill)
    return MONTHS_OF_BILLS


def _add_tickets(session: AsyncSession, customer_id: int, today: date, rng: random.Random) -> None:
    count = 1 if customer_id == 1001 else rng.choice((0, 0, 0, 1, 2))
    for n in range(count):
        category, issue, resolution, notes = _TICKET_SAMPLES[
            (customer_id + n) % len(_TICKET_SAMPLES)
        ]
        created = _at(today - timedelta(days=rng.randint(15, 200)), rng.randint(8, 20))
        open_now = customer_id not in _FIXED and n == 0 and rng.random() < 0.3
        session.add(
            FaultTicket(
                id=f"T-{created.year}-{(customer_id - 1000) * 10 + n:06d}",
                customer_id=customer_id,
                category=category,
                priority="medium",
                issue_description=issue,
                status="in_progress" if open_now else "resolved",
                resolution=None if open_now else resolution,
                technician_notes=None if open_now else notes,
                created_at=created,
                estimated_resolution=created + timedelta(hours=24),
                resolved_at=None if open_now else created + timedelta(hours=rng.randint(3, 40)),
            )
        )


async def _raise_sequences(session: AsyncSession, today: date) -> None:
    """Start run-time public ids above every seeded one, for each year in use."""
    for prefix in ("F", "T", "TXN", "CHG"):
        for year in (today.year - 1, today.year):
            name = f"{prefix}-{year}"
            sequence = await session.get(IdSequence, name)
            if sequence is None:
                session.add(IdSequence(name=name, value=SEEDED_ID_CEILING))
            elif sequence.value < SEEDED_ID_CEILING:
                sequence.value = SEEDED_ID_CEILING


def _package_for(segment: str | None, rng: random.Random) -> str:
    targeted = {
        "student": "Öğrenci Dostu Tarife",
        "civil_servant": "Memur Özel",
        "business": "Esnaf Paketi",
    }
    if segment in targeted and rng.random() < 0.6:
        return targeted[segment]
    return rng.choice(
        (
            "Mega İnternet",
            "Süper Konuşma",
            "Premium Paket",
            "Full Paket",
            "Yurt Dışı Avantaj",
            "Gamer Pro",
            "Mega İnternet",
        )
    )


def _add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return date(year, month, min(day.day, candidate))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def _at(day: date, hour: int) -> datetime:
    """``day`` at ``hour`` o'clock Istanbul time, as an aware UTC datetime."""
    return datetime.combine(day, time(hour), tzinfo=ISTANBUL).astimezone(UTC)


def _ascii(name: str) -> str:
    return fold(name).replace(" ", "")
