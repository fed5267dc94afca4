from __future__ import annotations

from rest_framework import serializers

from grassroots.notify.models import Notice


class NoticeSerializer(serializers.ModelSerializer):
    # Rendered from the message key and parameters in the caller's language.
    title = serializers.CharField(read_only=True)
    read = serializers.SerializerMethodField()

    class Meta:
        model = Notice
        fields = [
            "id",
            "kind",
            "message",
            "params",
            "title",
            "body",
            "url",
            "created_at",
            "read_at",
            "read",
        ]
        read_only_fields = fields

    def get_read(self, obj: Notice) -> bool:
        return obj.read_at is not None
