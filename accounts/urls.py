from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("login/verify/", views.verify_view, name="verify"),
    path("second-factor/", views.enrol_view, name="enrol"),
    path("second-factor/renew/", views.reenrol_view, name="reenrol"),
    path("logout/", views.logout_view, name="logout"),
    path("password/", views.password_change_view, name="password_change"),
    path("me/", views.profile_view, name="profile"),
    path("me/tokens/add/", views.token_add_view, name="token_add"),
    path("me/tokens/<str:key>/revoke/", views.token_revoke_view, name="token_revoke"),
    path("users/", views.UserListView.as_view(), name="user_list"),
    path("users/add/", views.UserEditView.as_view(), name="user_add"),
    path("users/import/", views.UserImportView.as_view(), name="user_import"),
    path("users/edit/", views.UserBulkEditView.as_view(), name="user_bulk_edit"),
    path("users/<int:pk>/", views.UserView.as_view(), name="user"),
    path("users/<int:pk>/edit/", views.UserEditView.as_view(), name="user_edit"),
    path("users/<int:pk>/delete/", views.UserDeleteView.as_view(), name="user_delete"),
]
