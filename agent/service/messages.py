"""Turkish texts the HTTP service answers with (error envelopes, refusals).

Kept apart from the routes so every user-facing sentence of the API is in one
place and can be reviewed for correct Turkish at a glance.
"""

from __future__ import annotations

UNAUTHORIZED = (
    "Bu isteği yapmak için geçerli bir erişim anahtarı gerekiyor. "
    "Lütfen 'Authorization: Bearer <anahtar>' başlığını gönderin."
)
BODY_TOO_LARGE = "İstek gövdesi çok büyük: en fazla {limit} bayt gönderebilirsiniz."
VALIDATION_FAILED = "İstek geçersiz: {problem}"
INTERNAL_ERROR = (
    "Üzgünüz, isteğiniz işlenirken beklenmedik bir sorun oluştu. "
    "Lütfen biraz sonra tekrar deneyin. (Olay kodu: {incident})"
)
NOT_FOUND = "İstenen adres bulunamadı."
METHOD_NOT_ALLOWED = "Bu adres bu HTTP yöntemini desteklemiyor."
BAD_REQUEST = "İstek okunamadı."
UNKNOWN_TOOL = "'{name}' adında bir araç bulunmuyor."
SIDE_EFFECT_TOOL = (
    "'{name}' hesabınızda değişiklik yapan bir işlemdir; doğrudan çalıştırılamaz. "
    "Lütfen sohbet üzerinden isteyin ve işlemi onaylayın."
)
TURN_BROKEN = "Yanıt oluşturulurken bir sorun oluştu. (Olay kodu: {incident})"
SERVICE_UNAVAILABLE = "Hizmet şu anda yanıt veremiyor. Lütfen biraz sonra tekrar deneyin."
CUSTOMER_NOT_FOUND = "{customer_id} numaralı bir müşteri bulunamadı."
SESSION_MISMATCH = (
    "Bu oturum başka bir müşteriye ait ve sürdürülemez. Lütfen yeni bir session_id ile başlayın."
)

# Validation problems, by pydantic error type; {field} is the offending field.
FIELD_MISSING = "'{field}' alanı zorunludur."
FIELD_EMPTY = "'{field}' alanı boş olamaz."
FIELD_TOO_LONG = "'{field}' alanı en fazla {limit} karakter olabilir."
FIELD_NOT_TEXT = "'{field}' alanı metin olmalıdır."
FIELD_NOT_INTEGER = "'{field}' alanı bir tam sayı olmalıdır."
FIELD_NOT_OBJECT = "'{field}' alanı bir JSON nesnesi olmalıdır."
FIELD_TOO_SMALL = "'{field}' alanı en az {limit} olmalıdır."
FIELD_TOO_LARGE = "'{field}' alanı en fazla {limit} olabilir."
FIELD_NOT_ALLOWED = "'{field}' alanı şu değerlerden biri olmalıdır: {choices}."
FIELD_BAD_FORMAT = "'{field}' alanı geçersiz karakterler içeriyor."
FIELD_INVALID = "'{field}' alanı geçersiz."
BODY_NOT_JSON = "İstek gövdesi geçerli bir JSON değil."
BODY_MISSING = "İstek gövdesi eksik: bir JSON nesnesi gönderin."
BODY_NOT_OBJECT = "İstek gövdesi bir JSON nesnesi olmalıdır."
