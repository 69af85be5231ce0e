"""The hall's application kinds, each described once (hall.applications.descriptors): seed
000's registration and renewal, the other business of domain.md §3, and the requests about an
account of issue 19. ``ApplicationsConfig.ready`` registers them."""

from __future__ import annotations

from django.utils.translation import gettext_noop

from hall.applications import account_requests, fees, forms, kinds, registration, renewal
from hall.applications.descriptors import FiledBy, KindDescriptor, Review
from hall.applications.documents import renewal_form_pdf
from hall.applications.models import Application
from hall.members.models import Filing

Kind = Application.Kind
Status = Application.Status

CATALOGUE = (
    KindDescriptor(
        Kind.REGISTRATION, form=forms.RegistrationForm, approve=registration.approve_registration,
        filed_by=FiledBy.NEWCOMER, fee=fees.registration_fee, certificate="member",
        published=True, invoice_item=gettext_noop("系统成员注册费"),
        starts_at="applications:registration", pinned=frozenset({"branch"}),
        texts={Status.APPROVED: gettext_noop(
            "【%(hall)s】您的注册申请（编号 %(number)s）已批准，系统成员证书号 "
            "%(certificate)s；请登录用户中心下载证书。"
        )},
    ),
    KindDescriptor(
        Kind.RENEWAL, form=forms.RenewalForm, approve=renewal.approve_renewal,
        filed_by=FiledBy.MEMBER, fee=fees.renewal_fee, certificate="renewal",
        printed_form=renewal_form_pdf, published=True,
        invoice_item=gettext_noop("系统成员续展费"), starts_at="applications:renewal_start",
    ),
    KindDescriptor(
        Kind.CHANGE, form=forms.ChangeForm, approve=kinds.approve_change,
        filed_by=FiledBy.MEMBER, certificate="change", published=True,
    ),
    KindDescriptor(
        Kind.CANCELLATION, form=forms.ReasonForm, approve=kinds.approve_cancellation,
        filed_by=FiledBy.MEMBER, published=True,
    ),
    KindDescriptor(
        Kind.REISSUE, form=forms.ReasonForm, approve=kinds.approve_reissue,
        filed_by=FiledBy.MEMBER, certificate="member",
    ),
    KindDescriptor(
        Kind.EAN8, form=forms.Ean8Form, approve=kinds.approve_ean8,
        filed_by=FiledBy.MEMBER, published=True,
    ),
    KindDescriptor(
        Kind.UPC, form=forms.UpcForm, approve=kinds.approve_upc,
        filed_by=FiledBy.MEMBER, published=True,
    ),
    KindDescriptor(
        Kind.FOREIGN_FILING, form=forms.ForeignFilingForm,
        approve=kinds.approve_filing(Filing.Kind.FOREIGN_CODE), filed_by=FiledBy.MEMBER,
        published=True,
    ),
    KindDescriptor(
        Kind.GROUP_AUTHORISATION, form=forms.GroupAuthorisationForm,
        approve=kinds.approve_filing(Filing.Kind.GROUP_AUTHORISATION), filed_by=FiledBy.MEMBER,
        published=True,
    ),
    KindDescriptor(
        Kind.ACTIVATION, form=forms.ActivationRequestForm,
        approve=account_requests.approve_activation, filed_by=FiledBy.ACCOUNT,
        review=Review.BRANCH, starts_at="applications:activation_request",
    ),
    KindDescriptor(
        Kind.MOBILE_CHANGE, form=forms.MobileChangeForm,
        approve=account_requests.approve_mobile_change, filed_by=FiledBy.ACCOUNT,
        review=Review.BRANCH, pinned=frozenset({"new_mobile"}),
        starts_at="applications:mobile_change_request",
    ),
)  # fmt: skip
