"""Who acts for a member company, and how an account comes to (issue 19).

The certificate number and the company's name are public facts (the register, the company
search), so they only find the member; control is proven one of three ways:

- a one-time code sent to the contact mobile the center holds for the member (shown masked),
  for the member's first account, which becomes its administrator;
- the administrator's invitation of a mobile number, accepted by that number's own account;
- the branch's approval of an activation request with the business licence (an application of
  kind ``activation``; its approval calls :func:`member_join`).

Every join, invitation and removal is written to the audit log and told by SMS to the member's
administrators and its contact mobile.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from hall.accounts import security
from hall.accounts.models import Invitation, MemberRole, SecurityEvent, User, revoke_keys_of
from hall.accounts.roles import require_member_role
from hall.accounts.services import AccountError
from hall.core import limits
from hall.members.facts import certificate_forms, mask_mobile, same_name
from hall.members.models import Member
from hall.sms import services as sms
from hall.sms.models import SmsCode

Kind = SecurityEvent.Kind


def _throttled(user: User) -> bool:
    since = timezone.now() - timedelta(hours=1)
    failures = SecurityEvent.objects.filter(
        kind=Kind.ACTIVATION_FAILED, user=user, created_at__gt=since
    )
    return failures.count() >= settings.LOGIN_LIMITS["failures"]


def member_find(*, request: HttpRequest, user: User, certificate_number: str,
                company_name: str) -> Member:  # fmt: skip
    """The member the certificate number (in any of its written forms) and name belong to."""
    if user.member_id is not None:
        raise AccountError(_("此账号已激活"))
    if _throttled(user):
        raise AccountError(_("激活尝试次数过多，请一小时后再试"))
    forms = certificate_forms(certificate_number)
    member = Member.objects.filter(certificate_number__in=forms).first()
    if member is None or not same_name(member.name, company_name):
        security.record(Kind.ACTIVATION_FAILED, request=request, user=user, detail=forms[0][:60])
        raise AccountError(_("物编注字或企业名称不正确"))
    if member.status == Member.Status.CANCELLED:
        raise AccountError(_("该系统成员已注销，不能激活；如需继续使用条码请重新办理注册"))
    return member


def _first_account_only(member: Member) -> None:
    if member.users.exists():
        raise AccountError(_(
            "该企业已有账号：请企业管理员在“企业账号”中邀请您加入，"
            "或提交激活申请由分支机构审核"
        ))  # fmt: skip
    if not member.mobile:
        raise AccountError(_("编码中心未登记该企业的联系手机：请提交激活申请由分支机构审核"))


#: Codes one account may have sent to members' contact mobiles a day: each replaces the last,
#: and a number takes ten a day, so a stranger must not spend them for its holder.
ACTIVATION_CODES_PER_DAY = 3


def activation_code_send(*, request: HttpRequest, user: User, member: Member) -> str:
    """Send a code to the member's contact mobile; the masked number it went to."""
    _first_account_only(member)
    day = timezone.now() - timedelta(days=1)
    sent = SecurityEvent.objects.filter(kind=Kind.ACTIVATION_CODE_SENT, user=user,
                                        created_at__gt=day)  # fmt: skip
    if sent.count() >= ACTIVATION_CODES_PER_DAY:
        raise AccountError(_("今天获取激活验证码的次数已达上限，请明天再试或提交激活申请"))
    sms.send_code(mobile=member.mobile, purpose=SmsCode.Purpose.ACTIVATE,
                  client_address=security.client_address(request),
                  params={"account": mask_mobile(user.mobile), "company": member.name})  # fmt: skip
    security.record(Kind.ACTIVATION_CODE_SENT, request=request, user=user,
                    detail=member.certificate_number)  # fmt: skip
    return mask_mobile(member.mobile)


def activation_by_code(*, request: HttpRequest, user: User, member: Member, code: str) -> Member:
    """The code sent to the contact mobile proves control: the account becomes the member's
    first account and its administrator."""
    _first_account_only(member)
    try:
        sms.verify_code(mobile=member.mobile, purpose=SmsCode.Purpose.ACTIVATE, code=code)
    except sms.SmsError:
        security.record(Kind.ACTIVATION_FAILED, request=request, user=user, detail="code")
        raise
    return member_join(user=user, member=member, how=_("联系手机验证码"), request=request)


def member_join(*, user: User, member: Member, how: str, request: HttpRequest | None = None,
                actor: User | None = None, role: str = MemberRole.CLERK) -> Member:  # fmt: skip
    """Bind the account to the member with ``role``; the first account becomes its
    administrator whatever ``role`` says. Under a lock of the member, so two accounts proving
    control at once do not both become first."""
    with transaction.atomic():
        locked = Member.objects.select_for_update().get(pk=member.pk)
        account = User.objects.select_for_update().get(pk=user.pk)
        _may_join(account, locked)
        account.member, account.activated_at = locked, timezone.now()
        # Only the very first account becomes administrator on its own: a member whose
        # administrators are all gone gets one from its branch, not from an old invitation.
        account.member_role = role if locked.users.exists() else MemberRole.ADMIN
        if locked.gds_card and not User.objects.filter(gds_card=locked.gds_card).exists():
            account.gds_card = locked.gds_card
        account.save(update_fields=["member", "activated_at", "member_role", "gds_card"])
        security.record(Kind.ACTIVATED, request=request, user=account,
                        detail=f"{locked.certificate_number} {how}")  # fmt: skip
        member_notify(locked, "member_joined", account=mask_mobile(account.mobile),
                      company=locked.name, how=how)  # fmt: skip
    user.refresh_from_db()
    return locked


def _may_join(account: User, member: Member) -> None:
    if account.member_id is not None:
        raise AccountError(_("此账号已激活"))
    if account.role != User.Role.MEMBER or account.is_staff or account.is_superuser:
        raise AccountError(_("审核和管理人员的账号不能代表企业"))
    if member.status == Member.Status.CANCELLED:
        raise AccountError(_("该系统成员已注销，不能激活；如需继续使用条码请重新办理注册"))


def member_notify(member: Member, template: str, /, **params: object) -> None:
    """Tell the member's administrators and its contact mobile, once each, after commit (the
    SMS template ``template``, one of the member_* ones that end "if your company did not do
    this, contact your branch office")."""
    admins = member.users.filter(member_role=MemberRole.ADMIN, is_active=True)
    mobiles = {u.mobile for u in admins}
    mobiles.add(member.mobile)
    for mobile in sorted(m for m in mobiles if m):
        sms.notify(mobile, template, **params)


def _admin(user: User) -> Member:
    if user.member is None:
        raise AccountError(_("只有企业管理员可以管理企业账号"))
    require_member_role(user, "manage")
    return user.member


def _admin_locked(user: User) -> Member:
    """Inside the transaction: the member locked (one change of its accounts at a time), and the
    acting account read again under that lock: an administrator demoted or removed while the
    request was on its way acts no more."""
    member = _admin(user)
    locked = Member.objects.select_for_update().get(pk=member.pk)
    now = User.objects.select_for_update().get(pk=user.pk)
    if not now.is_active or now.member_id != locked.pk:
        raise AccountError(_("只有企业管理员可以管理企业账号"))
    require_member_role(now, "manage")
    return locked


def _invitations_end(account: User) -> None:
    """The open invitations ``account`` sent stop with its administrator's role: an invitation
    must not bring back an administrator the member removed."""
    Invitation.objects.filter(
        invited_by=account, accepted_at__isnull=True, revoked_at__isnull=True
    ).update(revoked_at=timezone.now())


def _role(role: str) -> MemberRole:
    if role not in MemberRole.values:
        raise AccountError(_("请选择账号的角色"))
    return MemberRole(role)


#: Invitations a member may send a day, and one number may be sent: each is an SMS to the
#: number and to the member's contact mobile.
INVITATIONS_PER_DAY = {"member": 20, "mobile": 3}
#: Invitations a member may try a minute, sent or refused: a refusal says a number is some
#: other member's account, so asking is bounded (and each such refusal is in the audit log).
INVITATION_CHECKS_PER_MINUTE = 10


def invitation_send(*, request: HttpRequest, admin: User, mobile: str,
                    role: str = MemberRole.CLERK) -> Invitation:  # fmt: skip
    """The administrator invites a mobile number to join the member as ``role``. A number
    that is already another member's account is refused without saying whose."""
    member = _admin(admin)
    role = _role(role)
    if not limits.spend(f"invite:{member.pk}", INVITATION_CHECKS_PER_MINUTE).allowed:
        raise AccountError(_("操作过于频繁，请稍后再试"))
    if member.users.filter(mobile=mobile).exists():
        raise AccountError(_("该手机号已是本企业的账号"))
    if User.objects.filter(mobile=mobile, member__isnull=False).exists():
        security.record(Kind.INVITATION_REFUSED, request=request, user=admin, detail=mobile)
        raise AccountError(_("该手机号已是其他企业的账号，不能邀请：请其先由所在企业移出"))
    now = timezone.now()
    today = Invitation.objects.filter(member=member, created_at__gt=now - timedelta(days=1))
    if (today.count() >= INVITATIONS_PER_DAY["member"]
            or today.filter(mobile=mobile).count() >= INVITATIONS_PER_DAY["mobile"]):  # fmt: skip
        raise AccountError(_("今天发出的邀请已达上限，请明天再试"))
    try:
        with transaction.atomic():
            _admin_locked(admin)
            invitation = Invitation.objects.create(
                member=member, mobile=mobile, role=role, invited_by=admin, created_at=now,
                expires_at=now + timedelta(days=Invitation.DAYS),
            )  # fmt: skip
            security.record(Kind.INVITED, request=request, user=admin, detail=f"{mobile} {role}")
            sms.notify(mobile, "invitation", company=member.name, days=Invitation.DAYS)
            member_notify(member, "member_invited", mobile=mask_mobile(mobile))
    except IntegrityError:
        raise AccountError(_("已向该手机号发出邀请，尚未接受")) from None
    return invitation


def invitations_for(user: User) -> list[Invitation]:
    """The open invitations the account's own mobile number has."""
    found = Invitation.objects.filter(
        mobile=user.mobile,
        accepted_at__isnull=True,
        revoked_at__isnull=True,
        expires_at__gt=timezone.now(),
    )
    return list(found.select_related("member"))  # fmt: skip


def invitation_accept(*, request: HttpRequest, user: User, invitation_id: int) -> Member:
    """The invited number's own account joins the member (its mobile was proven by SMS when
    it registered, or when it was changed to this number)."""
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().filter(pk=invitation_id).first()
        if invitation is None or invitation.mobile != user.mobile or not invitation.is_open():
            raise AccountError(_("邀请不存在、已失效或已被使用"))
        if not _still_admin(invitation):
            raise AccountError(
                _("发出邀请的管理员已不再管理该企业，邀请已失效：请联系企业重新邀请")
            )
        invitation.accepted_at = timezone.now()
        invitation.save(update_fields=["accepted_at"])
        return member_join(user=user, member=invitation.member, how=_("管理员邀请"),
                           request=request, role=invitation.role)  # fmt: skip


def _still_admin(invitation: Invitation) -> bool:
    """Whether the account that sent ``invitation`` is still an active administrator of its
    member (the invitation speaks for it)."""
    inviter = invitation.invited_by
    return (inviter is not None and inviter.is_active and inviter.member_id == invitation.member_id
            and inviter.member_role == MemberRole.ADMIN)  # fmt: skip


def invitation_revoke(*, request: HttpRequest, admin: User, invitation_id: int) -> None:
    _admin(admin)
    with transaction.atomic():
        member = _admin_locked(admin)
        revoked = Invitation.objects.filter(
            pk=invitation_id, member=member, accepted_at__isnull=True, revoked_at__isnull=True
        ).update(revoked_at=timezone.now())
        if not revoked:
            raise AccountError(_("邀请不存在、已失效或已被使用"))
        security.record(Kind.INVITATION_REVOKED, request=request, user=admin,
                        detail=str(invitation_id))  # fmt: skip


def member_user_remove(*, request: HttpRequest, admin: User, user_id: int) -> None:
    """The administrator removes an account from the member: it acts for it no more, and its
    sessions end."""
    _admin(admin)
    if user_id == admin.pk:
        raise AccountError(_("不能移出自己的账号"))
    with transaction.atomic():
        member = _admin_locked(admin)
        removed = User.objects.select_for_update().filter(pk=user_id, member=member).first()
        if removed is None:
            raise AccountError(_("该账号不属于本企业"))
        if removed.member_role == MemberRole.ADMIN:
            _another_admin(member, removed)
        User.objects.filter(pk=removed.pk).update(
            member=None, member_role=MemberRole.CLERK, gds_card=None,
            session_epoch=F("session_epoch") + 1,
        )  # fmt: skip
        revoke_keys_of(removed)
        _invitations_end(removed)
        security.record(Kind.REMOVED, request=request, user=removed,
                        detail=f"{member.certificate_number} by {admin.mobile}")  # fmt: skip
        told = {"account": mask_mobile(removed.mobile), "company": member.name}
        member_notify(member, "member_removed", **told)
        sms.notify(removed.mobile, "account_removed", **told)


def _another_admin(member: Member, account: User) -> None:
    """The member keeps an administrator besides ``account`` (whose role is going)."""
    others = User.objects.select_for_update().filter(
        member=member, member_role=MemberRole.ADMIN, is_active=True
    )
    if not others.exclude(pk=account.pk).exists():
        raise AccountError(_("企业至少要有一名管理员：请先将其他账号设为管理员"))


def member_role_change(*, request: HttpRequest, admin: User, user_id: int, role: str) -> User:
    """The administrator changes the role of one of the member's accounts (its own too, while
    another administrator remains). Audited, and told to the member and the account."""
    _admin(admin)
    new = _role(role)
    with transaction.atomic():
        member = _admin_locked(admin)
        account = User.objects.select_for_update().filter(pk=user_id, member=member).first()
        if account is None:
            raise AccountError(_("该账号不属于本企业"))
        old = MemberRole(account.member_role)
        if old == new:
            return account
        if old == MemberRole.ADMIN:
            _another_admin(member, account)
            _invitations_end(account)
        User.objects.filter(pk=account.pk).update(member_role=new)
        detail = f"{member.certificate_number} {old}->{new} by {admin.mobile}"
        security.record(Kind.ROLE_CHANGED, request=request, user=account, detail=detail)
        told = {"account": mask_mobile(account.mobile), "company": member.name,
                "old": str(old.label), "new": str(new.label)}  # fmt: skip
        member_notify(member, "member_role_changed", **told)
        if new != MemberRole.ADMIN and account.mobile != member.mobile:  # else told above
            sms.notify(account.mobile, "member_role_changed", **told)
    account.refresh_from_db()
    return account


def mobile_replace(*, user: User, new_mobile: str) -> None:
    """The branch approved a new login mobile for a member's account whose old one is gone:
    both numbers and the member are told, and every session of the account ends."""
    with transaction.atomic():
        account = User.objects.select_for_update().get(pk=user.pk)
        if User.objects.filter(mobile=new_mobile).exclude(pk=account.pk).exists():
            raise AccountError(_("该手机号已被其他账号使用"))
        old = account.mobile
        User.objects.filter(pk=account.pk).update(
            mobile=new_mobile, session_epoch=F("session_epoch") + 1
        )
        security.record(Kind.MOBILE_CHANGED, user=account,
                        detail=f"{old} -> {new_mobile} (branch)")  # fmt: skip
        told = {"old": mask_mobile(old), "new": mask_mobile(new_mobile)}
        for mobile in (old, new_mobile):
            sms.notify(mobile, "mobile_replaced", **told)
        if account.member is not None:
            member_notify(account.member, "member_mobile_replaced", **told)
