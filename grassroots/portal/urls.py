from __future__ import annotations

from django.urls import path

from grassroots.portal.views import manage, public

app_name = "portal"
urlpatterns = [
    # The public portal (no login, shared-cacheable).
    path("", public.home, name="home"),
    path("topics/<slug:slug>/", public.topic, name="topic"),
    path("articles/<id:pk>/", public.article, name="article"),
    path("images/<id:pk>/", public.image, name="image"),
    path("figures/", public.figures, name="figures"),
    path("disclosure/", public.disclosure, name="disclosure"),
    path("notices/", public.notices, name="notices"),
    path("hit/", public.hit, name="hit"),
    # Staff: articles and disclosure items.
    path("manage/", manage.index, name="manage"),
    path("manage/new/", manage.article_new, name="manage_new"),
    path("manage/<id:pk>/", manage.article_edit, name="manage_article"),
    path("manage/<id:pk>/publish/", manage.article_publish, name="manage_publish"),
    path("manage/<id:pk>/unpublish/", manage.article_unpublish, name="manage_unpublish"),
    path("manage/<id:pk>/images/", manage.image_add, name="manage_image_add"),
    path("manage/images/<id:pk>/", manage.image, name="manage_image"),
    path("manage/disclosure/", manage.disclosures, name="manage_disclosures"),
    path("manage/disclosure/new/", manage.disclosure_new, name="manage_disclosure_new"),
    path("manage/disclosure/<id:pk>/", manage.disclosure_edit, name="manage_disclosure"),
    path(
        "manage/disclosure/<id:pk>/publish/",
        manage.disclosure_publish,
        name="manage_disclosure_publish",
    ),
]
