"""Tool results of the demo operator (``python -m agent tools call ...`` on 3 December 2026)."""

from typing import Any

BILLS_1004: dict[str, Any] = {
    "bills": [
        {
            "bill_id": "F-2026-000412",
            "amount": 64.87,
            "bill_date": "2026-11-27",
            "status": "paid",
            "paid_date": "2026-12-02",
        },
        {
            "bill_id": "F-2026-000411",
            "amount": 64.87,
            "bill_date": "2026-10-27",
            "status": "overdue",
        },
        {
            "bill_id": "F-2026-000410",
            "amount": 64.87,
            "bill_date": "2026-09-27",
            "status": "paid",
            "paid_date": "2026-10-05",
        },
        {
            "bill_id": "F-2026-000409",
            "amount": 64.87,
            "bill_date": "2026-08-27",
            "status": "paid",
            "paid_date": "2026-09-01",
        },
        {
            "bill_id": "F-2026-000408",
            "amount": 103.74,
            "bill_date": "2026-07-27",
            "status": "paid",
            "paid_date": "2026-08-04",
        },
        {
            "bill_id": "F-2026-000407",
            "amount": 64.87,
            "bill_date": "2026-06-27",
            "status": "paid",
            "paid_date": "2026-07-05",
        },
        {
            "bill_id": "F-2026-000406",
            "amount": 64.87,
            "bill_date": "2026-05-27",
            "status": "paid",
            "paid_date": "2026-06-12",
        },
        {
            "bill_id": "F-2026-000405",
            "amount": 64.87,
            "bill_date": "2026-04-27",
            "status": "paid",
            "paid_date": "2026-05-02",
        },
        {
            "bill_id": "F-2026-000404",
            "amount": 64.87,
            "bill_date": "2026-03-27",
            "status": "paid",
            "paid_date": "2026-04-10",
        },
        {
            "bill_id": "F-2026-000403",
            "amount": 64.87,
            "bill_date": "2026-02-27",
            "status": "paid",
            "paid_date": "2026-03-07",
        },
        {
            "bill_id": "F-2026-000402",
            "amount": 103.74,
            "bill_date": "2026-01-27",
            "status": "paid",
            "paid_date": "2026-02-08",
        },
        {
            "bill_id": "F-2025-000401",
            "amount": 64.87,
            "bill_date": "2025-12-27",
            "status": "paid",
            "paid_date": "2026-01-13",
        },
    ],
    "total_count": 12,
    "total_amount_paid": 791.31,
}

BILLS_1003: dict[str, Any] = {
    "bills": [
        {
            "bill_id": "F-2026-000312",
            "amount": 146.0,
            "bill_date": "2026-11-27",
            "status": "paid",
            "paid_date": "2026-12-02",
        },
        {
            "bill_id": "F-2026-000311",
            "amount": 77.87,
            "bill_date": "2026-10-27",
            "status": "paid",
            "paid_date": "2026-11-12",
        },
        {
            "bill_id": "F-2026-000310",
            "amount": 188.39,
            "bill_date": "2026-09-27",
            "status": "paid",
            "paid_date": "2026-10-10",
        },
        {
            "bill_id": "F-2026-000309",
            "amount": 77.87,
            "bill_date": "2026-08-27",
            "status": "paid",
            "paid_date": "2026-09-07",
        },
        {
            "bill_id": "F-2026-000308",
            "amount": 228.15,
            "bill_date": "2026-07-27",
            "status": "paid",
            "paid_date": "2026-08-10",
        },
        {
            "bill_id": "F-2026-000307",
            "amount": 77.87,
            "bill_date": "2026-06-27",
            "status": "paid",
            "paid_date": "2026-07-04",
        },
        {
            "bill_id": "F-2026-000306",
            "amount": 77.87,
            "bill_date": "2026-05-27",
            "status": "paid",
            "paid_date": "2026-06-01",
        },
        {
            "bill_id": "F-2026-000305",
            "amount": 159.2,
            "bill_date": "2026-04-27",
            "status": "paid",
            "paid_date": "2026-05-06",
        },
        {
            "bill_id": "F-2026-000304",
            "amount": 196.99,
            "bill_date": "2026-03-27",
            "status": "paid",
            "paid_date": "2026-03-31",
        },
        {
            "bill_id": "F-2026-000303",
            "amount": 77.87,
            "bill_date": "2026-02-27",
            "status": "paid",
            "paid_date": "2026-03-14",
        },
        {
            "bill_id": "F-2026-000302",
            "amount": 77.87,
            "bill_date": "2026-01-27",
            "status": "paid",
            "paid_date": "2026-02-04",
        },
        {
            "bill_id": "F-2025-000301",
            "amount": 77.87,
            "bill_date": "2025-12-27",
            "status": "paid",
            "paid_date": "2026-01-11",
        },
    ],
    "total_count": 12,
    "total_amount_paid": 1463.82,
}

CURRENT_BILL_1003: dict[str, Any] = {
    "bill_id": "F-2026-000312",
    "user_id": 1003,
    "amount": 146.0,
    "currency": "TRY",
    "due_date": "2026-12-17",
    "bill_date": "2026-11-27",
    "status": "paid",
    "services": [
        {"service_name": "Süper Konuşma aylık ücreti", "amount": 59.9},
        {"service_name": "Yurt dışı kullanım", "amount": 52.41},
        {"service_name": "KDV (%20)", "amount": 22.46},
        {"service_name": "Özel İletişim Vergisi (%10)", "amount": 11.23},
    ],
}

CURRENT_BILL_1004: dict[str, Any] = {
    "bill_id": "F-2026-000412",
    "user_id": 1004,
    "amount": 64.87,
    "currency": "TRY",
    "due_date": "2026-12-17",
    "bill_date": "2026-11-27",
    "status": "paid",
    "services": [
        {"service_name": "Öğrenci Dostu Tarife aylık ücreti", "amount": 49.9},
        {"service_name": "KDV (%20)", "amount": 9.98},
        {"service_name": "Özel İletişim Vergisi (%10)", "amount": 4.99},
    ],
}

PROFILE_1003: dict[str, Any] = {
    "user_id": 1003,
    "name": "Mehmet Demir",
    "phone_numbers": [{"number": "+905320001003", "type": "primary", "status": "suspended"}],
    "email": "mehmet.demir1003@example.com.tr",
    "address": "Lale Sokak No: 55 D: 2, Bornova, İzmir",
    "registration_date": "2020-05-05",
    "customer_tier": "standard",
}

PROFILE_1004: dict[str, Any] = {
    "user_id": 1004,
    "name": "Fatma Şahin",
    "phone_numbers": [{"number": "+905320001004", "type": "primary", "status": "active"}],
    "email": "fatma.sahin1004@example.com.tr",
    "address": "Fevzi Çakmak Sokak No: 59 D: 19, Osmangazi, Bursa",
    "registration_date": "2024-09-18",
    "customer_tier": "standard",
}

PACKAGES: dict[str, Any] = {
    "packages": [
        {
            "name": "Öğrenci Dostu Tarife",
            "monthly_fee": 49.9,
            "features": {"internet_gb": 30, "voice_minutes": 500, "sms_count": 250},
            "target_audience": "Öğrenciler",
        },
        {
            "name": "Memur Özel",
            "monthly_fee": 55.0,
            "features": {"internet_gb": 35, "voice_minutes": 1500, "sms_count": 750},
            "target_audience": "Kamu çalışanları",
        },
        {
            "name": "Süper Konuşma",
            "monthly_fee": 59.9,
            "features": {"internet_gb": 25, "voice_minutes": 2000, "sms_count": 1000},
            "target_audience": "Çok konuşanlar",
        },
        {
            "name": "Mega İnternet",
            "monthly_fee": 69.5,
            "features": {"internet_gb": 50, "voice_minutes": 1000, "sms_count": 500},
            "target_audience": "Yoğun internet kullananlar",
        },
        {
            "name": "Esnaf Paketi",
            "monthly_fee": 79.9,
            "features": {"internet_gb": 60, "voice_minutes": 2500, "sms_count": 1500},
            "target_audience": "Küçük işletmeler",
        },
        {
            "name": "Full Paket",
            "monthly_fee": 89.9,
            "features": {"internet_gb": 80, "voice_minutes": 2500, "sms_count": 1000},
            "target_audience": "Aile ve yoğun kullanım",
        },
        {
            "name": "Premium Paket",
            "monthly_fee": 89.9,
            "features": {"internet_gb": 100, "voice_minutes": 3000, "sms_count": 1000},
            "target_audience": "Her şeyin en iyisini isteyenler",
        },
        {
            "name": "Gamer Pro",
            "monthly_fee": 99.9,
            "features": {"internet_gb": 150, "voice_minutes": 1000, "sms_count": 500},
            "target_audience": "Oyuncular",
        },
        {
            "name": "Yurt Dışı Avantaj",
            "monthly_fee": 99.9,
            "features": {"internet_gb": 40, "voice_minutes": 1500, "sms_count": 500},
            "target_audience": "Sık seyahat edenler",
        },
    ]
}

PACKAGE_1002: dict[str, Any] = {
    "package_name": "Premium Paket",
    "monthly_fee": 89.9,
    "features": {
        "internet_gb": 100,
        "voice_minutes": 3000,
        "sms_count": 1000,
        "roaming_enabled": True,
        "international_minutes": 100,
    },
    "activation_date": "2026-10-04",
    "renewal_date": "2026-12-21",
}

PACKAGE_1004: dict[str, Any] = {
    "package_name": "Öğrenci Dostu Tarife",
    "monthly_fee": 49.9,
    "features": {
        "internet_gb": 30,
        "voice_minutes": 500,
        "sms_count": 250,
        "roaming_enabled": False,
    },
    "activation_date": "2024-11-13",
    "renewal_date": "2026-12-21",
}

PAYMENTS_1004: dict[str, Any] = {
    "payments": [
        {
            "transaction_id": "TXN-2026-000412",
            "amount": 64.87,
            "method": "credit_card",
            "date": "2026-12-02",
            "bill_id": "F-2026-000412",
        },
        {
            "transaction_id": "TXN-2026-000410",
            "amount": 64.87,
            "method": "credit_card",
            "date": "2026-10-05",
            "bill_id": "F-2026-000410",
        },
        {
            "transaction_id": "TXN-2026-000409",
            "amount": 64.87,
            "method": "credit_card",
            "date": "2026-09-01",
            "bill_id": "F-2026-000409",
        },
        {
            "transaction_id": "TXN-2026-000408",
            "amount": 103.74,
            "method": "credit_card",
            "date": "2026-08-04",
            "bill_id": "F-2026-000408",
        },
        {
            "transaction_id": "TXN-2026-000407",
            "amount": 64.87,
            "method": "credit_card",
            "date": "2026-07-05",
            "bill_id": "F-2026-000407",
        },
        {
            "transaction_id": "TXN-2026-000406",
            "amount": 64.87,
            "method": "credit_card",
            "date": "2026-06-12",
            "bill_id": "F-2026-000406",
        },
        {
            "transaction_id": "TXN-2026-000405",
            "amount": 64.87,
            "method": "credit_card",
            "date": "2026-05-02",
            "bill_id": "F-2026-000405",
        },
        {
            "transaction_id": "TXN-2026-000404",
            "amount": 64.87,
            "method": "credit_card",
            "date": "2026-04-10",
            "bill_id": "F-2026-000404",
        },
        {
            "transaction_id": "TXN-2026-000403",
            "amount": 64.87,
            "method": "credit_card",
            "date": "2026-03-07",
            "bill_id": "F-2026-000403",
        },
        {
            "transaction_id": "TXN-2026-000402",
            "amount": 103.74,
            "method": "credit_card",
            "date": "2026-02-08",
            "bill_id": "F-2026-000402",
        },
        {
            "transaction_id": "TXN-2026-000401",
            "amount": 64.87,
            "method": "credit_card",
            "date": "2026-01-13",
            "bill_id": "F-2025-000401",
        },
    ],
    "total_payments": 11,
    "total_amount": 791.31,
}

DETAILS_MEGA: dict[str, Any] = {
    "name": "Mega İnternet",
    "monthly_fee": 69.5,
    "setup_fee": 0.0,
    "features": {
        "internet_gb": 50,
        "voice_minutes": 1000,
        "sms_count": 500,
        "roaming_enabled": False,
        "international_minutes": 0,
    },
    "contract_duration": 12,
    "cancellation_fee": 150.0,
}

DETAILS_SUPER: dict[str, Any] = {
    "name": "Süper Konuşma",
    "monthly_fee": 59.9,
    "setup_fee": 0.0,
    "features": {
        "internet_gb": 25,
        "voice_minutes": 2000,
        "sms_count": 1000,
        "roaming_enabled": True,
        "international_minutes": 100,
    },
    "contract_duration": 12,
    "cancellation_fee": 120.0,
}
