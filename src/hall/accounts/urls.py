from django.urls import path

from hall.accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("captcha.png", views.captcha_image, name="captcha"),
    path("register/", views.register, name="register"),
    path("register/password/", views.register_password, name="register_password"),
    path("forgot/", views.reset, name="reset"),
    path("forgot/password/", views.reset_password, name="reset_password"),
    path("2fa/", views.second_factor, name="second_factor"),
    path("activate/", views.activate, name="activate"),
    path("activate/code/", views.activate_code, name="activate_code"),
    path(
        "invitations/<int:invitation_id>/accept/", views.invitation_accept, name="invitation_accept"
    ),
    path(
        "invitations/<int:invitation_id>/revoke/", views.invitation_revoke, name="invitation_revoke"
    ),
    path("users/", views.member_users, name="member_users"),
    path("users/<int:user_id>/remove/", views.member_user_remove, name="member_user_remove"),
    path("users/<int:user_id>/role/", views.member_user_role, name="member_user_role"),
    path("mobile/", views.change_mobile, name="change_mobile"),
    path("mobile/password/", views.change_mobile_password, name="change_mobile_password"),
    path("password/", views.change_password, name="change_password"),
    path("other/", views.other_information, name="other"),
    path("certificate.pdf", views.certificate, name="certificate"),
]
