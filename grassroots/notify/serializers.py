from __future__ import annotations

from rest_framework import serializers

from grassroots.notify.models import Notice


class NoticeSerializer(serializers.ModelSerializer):
    read = serializers.SerializerMethodField()

    class Meta:
        model = Notice
        fields = ["id", "kind", "title", "body", "url", "created_at", "read_at", "read"]
        read_only_fields = fields

    def get_read(self, obj: Notice) -> bool:
        return obj.read_at is not None
