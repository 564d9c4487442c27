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
EMPTY_ANSWER = "Üzgünüm, bir yanıt oluşturamadım. Sorunuzu farklı bir şekilde yazar mısınız?"
CONFIRM_QUESTION = "Onaylıyor musunuz?"
NOTHING_PENDING = "Bekleyen bir işleminiz bulunmuyor."
DIRECT_CALL_REFUSED = (
    "Bu işlem hesabınızda değişiklik yapar; yalnızca sohbet üzerinden onayınızla yapılabilir."
)
