import time
from pathlib import Path

from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.backends.console import EmailBackend as ConsoleBackend


class DevelopmentEmailBackend(BaseEmailBackend):
    """Prints each email and keeps it as an .eml file (in EMAIL_FILE_PATH) that a mail client opens."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.console = ConsoleBackend(*args, **kwargs)
        self.folder = Path(settings.EMAIL_FILE_PATH)

    def send_messages(self, email_messages):
        if not email_messages:
            return 0
        self.folder.mkdir(parents=True, exist_ok=True)
        for index, message in enumerate(email_messages):
            name = f"{time.strftime('%Y%m%d-%H%M%S')}-{time.monotonic_ns()}-{index}.eml"
            (self.folder / name).write_bytes(message.message().as_bytes())
        self.console.send_messages(email_messages)
        return len(email_messages)
