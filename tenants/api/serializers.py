"""Input validation and output shapes. Business rules live in tenants.services."""

from __future__ import annotations

from rest_framework import serializers

from tenants.models import Brand, Membership, Plan, Role, Workspace


class StrictSerializer(serializers.Serializer):
    """Unknown fields are an error, not silently ignored."""

    def to_internal_value(self, data: object) -> object:
        if isinstance(data, dict):
            unknown = sorted(set(data) - set(self.fields))
            if unknown:
                raise serializers.ValidationError({name: ["Unknown field."] for name in unknown})
        return super().to_internal_value(data)


class WorkspaceOut(serializers.ModelSerializer):
    class Meta:
        model = Workspace
        fields = ["id", "name", "slug", "plan", "status", "created_at"]
        read_only_fields = fields


class WorkspaceIn(StrictSerializer):
    name = serializers.CharField(max_length=120, required=False)
    plan = serializers.ChoiceField(choices=Plan.choices, required=False)


class MyWorkspaceOut(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    status = serializers.CharField()
    role = serializers.CharField()


class MeOut(serializers.Serializer):
    id = serializers.IntegerField()
    email = serializers.EmailField()
    workspaces = MyWorkspaceOut(many=True)


class BrandOut(serializers.ModelSerializer):
    class Meta:
        model = Brand
        fields = ["id", "name", "widget_key", "allowed_origins", "default_language", "created_at"]
        read_only_fields = fields


class BrandIn(StrictSerializer):
    name = serializers.CharField(max_length=120)
    allowed_origins = serializers.ListField(
        child=serializers.CharField(max_length=255), max_length=50, required=False
    )
    default_language = serializers.CharField(max_length=16, required=False)


class BrandPatch(BrandIn):
    name = serializers.CharField(max_length=120, required=False)


class MemberOut(serializers.ModelSerializer):
    email = serializers.EmailField(source="user.email", read_only=True)
    name = serializers.SerializerMethodField()

    class Meta:
        model = Membership
        fields = ["id", "email", "name", "role", "created_at"]
        read_only_fields = fields

    def get_name(self, obj: Membership) -> str:
        return obj.user.get_full_name()


class MemberIn(StrictSerializer):
    email = serializers.EmailField(max_length=254)
    role = serializers.ChoiceField(choices=Role.choices)


class MemberPatch(StrictSerializer):
    role = serializers.ChoiceField(choices=Role.choices)


class WidgetConfigOut(serializers.Serializer):
    brand = serializers.CharField()
    default_language = serializers.CharField()
    status = serializers.CharField()
