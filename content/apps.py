from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class ContentConfig(AppConfig):
    name = "content"
    verbose_name = "Contenu des portails"

    def ready(self):
        from content.home import forget_home_content
        from content.models import Announcement, HelpResource

        # The home pages keep these rendered (content.home): a change is shown on the next home page.
        for model in (Announcement, HelpResource):
            post_save.connect(forget_home_content, sender=model, dispatch_uid=f"home-content-{model.__name__}-save")
            post_delete.connect(forget_home_content, sender=model, dispatch_uid=f"home-content-{model.__name__}-del")
