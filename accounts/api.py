from django.core.exceptions import ValidationError as DjangoValidationError

from accounts.models import User
from accounts.services import user_create
from core.api.viewsets import GovModelSerializer, GovModelViewSet, raise_validation


class UserSerializer(GovModelSerializer):
    class Meta:
        model = User
        fields = ["id", "username", "full_name", "unit", "title", "email", "is_active", "last_login", "version"]
        read_only_fields = ["last_login"]


class UserViewSet(GovModelViewSet):
    queryset = User.objects.select_related("unit")
    serializer_class = UserSerializer
    filterset_fields = ["unit", "is_active", "username"]
    cursor_ordering = "username"

    def perform_update(self, serializer):
        from accounts.services import user_update
        from core.services import snapshot

        user = serializer.instance
        before = snapshot(user)
        for key, value in serializer.validated_data.items():
            setattr(user, key, value)
        try:
            user_update(actor=self.request.user, user=user, before=before, expected_version=self.expected_version(user))
        except DjangoValidationError as exc:
            raise_validation(exc)

    def perform_create(self, serializer):
        try:
            serializer.instance = user_create(actor=self.request.user, password=None, **serializer.validated_data)
        except DjangoValidationError as exc:
            raise_validation(exc)
