from django.urls import path

from assessment.views import accounts, common, enterprise

urlpatterns = [
    path("", common.home, name="home"),
    # Foundation: sign-up, invitations, the enterprise profile and its members.
    path("signup/", accounts.signup, name="signup"),
    path("invitations/<uuid:token>/", accounts.invitation_accept_view, name="invitation_accept"),
    path("enterprise/", enterprise.enterprise_edit, name="enterprise_edit"),
    path("enterprise/members/", enterprise.members, name="enterprise_members"),
    path("enterprise/members/invite/", enterprise.invitation_create_view, name="invitation_create"),
    path("enterprise/members/<int:pk>/remove/", enterprise.membership_remove_view, name="membership_remove"),
    path("enterprise/invitations/<int:pk>/revoke/", enterprise.invitation_revoke_view, name="invitation_revoke"),
]
