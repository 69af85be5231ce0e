"""Seed 000's screens field for field (renewal steps 1-3, registration, login, activation, the
change of mobile, 其他信息), and what the issue of the hall as users meet it asks around them:
step 1 submitted as the hall pre-filled it, uploads replaced and removed until submitted, the
remittance slot only for a transfer, final acts confirmed, the captcha before an SMS, 登录选择
meaning what it says, and every member's GDS card number."""

from __future__ import annotations

import html
import io
import re
from html.parser import HTMLParser

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client

from hall.accounts.models import User
from hall.applications.models import Application
from hall.applications.renewal import split_phone
from hall.members.models import CompanyPrefix, Member, PrefixPool
from hall.payments.models import Order
from hall.sms.models import SmsMessage
from tests.hall.conftest import PASSWORD, captcha_answer, make_member, scan_png

pytestmark = pytest.mark.django_db(transaction=True)


def _text(page: str) -> str:
    """The page's words, tags dropped and white space made single."""
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page)))


def _has_all(page: str, labels: list[str]) -> list[str]:
    """The labels the page lacks."""
    words = _text(page)
    return [label for label in labels if label not in words]


class _FormValues(HTMLParser):
    """What a browser would send for the page's own form (the first that posts to the page
    itself) with nothing touched: text inputs' values, checked boxes and radios, selected
    options, textareas."""

    def __init__(self) -> None:
        super().__init__()
        self.values: list[tuple[str, str]] = []
        self._forms = 0
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {name: value or "" for name, value in attrs}
        if tag == "form" and found.get("method") == "post" and not found.get("action"):
            self._forms += 1
        if self._forms != 1:
            return
        if tag == "option" and self._select and "selected" in found:
            self.values.append((self._select, found.get("value", "")))
            return
        if "name" not in found or "disabled" in found:  # a disabled control is not sent
            return
        if tag == "input" and found.get("type") in ("radio", "checkbox"):
            if "checked" in found:
                self.values.append((found["name"], found.get("value", "on")))
        elif tag == "input" and found.get("type") not in ("submit", "file"):
            self.values.append((found["name"], found.get("value", "")))
        elif tag == "select":
            self._select = found["name"]
        elif tag == "textarea":
            self._textarea = found["name"]
            self.values.append((found["name"], ""))

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            name, _ = self.values.pop()
            self.values.append((name, data))

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "form" and self._forms == 1:
            self._forms = 2


def _untouched(page: str) -> dict[str, list[str]]:
    parser = _FormValues()
    parser.feed(page)
    sent: dict[str, list[str]] = {}
    for name, value in parser.values:
        sent.setdefault(name, []).append(value)
    return sent


def _renewal(client: Client) -> Application:
    client.post("/applications/renewal/")
    return Application.objects.get(kind=Application.Kind.RENEWAL)


@pytest.fixture
def renewing(member: Member, member_user: User) -> Client:
    """The member's administrator, its record as the center holds it: a landline with the area
    code in it, which the page splits into 长途区号 and 电话; and a UPC prefix besides."""
    Member.objects.filter(pk=member.pk).update(
        contact_phone="0571-85786900", legal_representative_phone="0571-85786901"
    )
    CompanyPrefix.objects.create(member=member, prefix="0614141", kind=CompanyPrefix.Kind.UPC,
                                 allocated_on=member.valid_from)  # fmt: skip
    client = Client()
    client.force_login(member_user)
    return client


def test_renewal_step_one_has_every_field_of_the_seed(renewing: Client) -> None:
    application = _renewal(renewing)
    page = renewing.get(f"/applications/{application.pk}/fill/").content.decode()
    seed = ["续展 > 信息录入", "1.续展申请", "2.资料上传", "3.网上支付", "4.分支机构初审",
            "5.编码中心审核", "档案索引号 *", "续展类型", "按码续展", "按企业名称续展", "EAN码",
            "金额", "UPC码", "0614141", "校对企业信息，同时完善发票信息。", "联系人信息",
            "法定代表人 *", "电话", "手机 *", "联系人 *", "长途区号 *", "电话 *", "传真",
            "电子邮件地址", "是否收信", "企业网站", "条码使用数量", "发票信息", "发票抬头 *",
            "纳税人识别号 *", "税务注册地址", "开户行", "账号", "税务注册电话", "企业填表时间",
            "注：如有多个 EAN 码或 UPC 码的企业，请先联系当地或省中心"]  # fmt: skip
    assert _has_all(page, seed) == []
    words = _text(page)
    # 续展类型 in the top section, before the contact information; 企业填表时间 last.
    assert words.index("续展类型") < words.index("EAN码") < words.index("联系人信息")
    assert words.index("税务注册电话") < words.index("企业填表时间")
    # 是否收信: 是 / 否, 是 chosen.
    assert re.search(r'name="receive_mail" value="True"[^>]*checked', page)


def test_renewal_step_one_submitted_as_prefilled(renewing: Client, member: Member) -> None:
    """Today's member submits step 1 without typing a thing: every pre-filled value passes the
    page's own rules (the landline split into its area code and number)."""
    application = _renewal(renewing)
    page = renewing.get(f"/applications/{application.pk}/fill/").content.decode()
    sent = _untouched(page)
    assert (sent["area_code"], sent["contact_phone"]) == (["0571"], ["85786900"])
    assert sent["contact_mobile"] == [member.mobile]
    assert sent["receive_mail"] == ["True"]
    answer = renewing.post(f"/applications/{application.pk}/fill/", sent)
    assert answer.status_code == 302, _text(answer.content.decode())[:2000]
    application.refresh_from_db()
    assert application.status == Application.Status.MATERIALS
    assert application.data["receive_mail"] is True
    assert application.data["area_code"] == "0571"


@pytest.mark.parametrize(("recorded", "split"), [
    ("0571-85786900", ("0571", "85786900")), ("(010)12345678", ("010", "12345678")),
    ("02112345678", ("021", "12345678")), ("0571 85786900转123", ("0571", "85786900-123")),
    ("0579-8888888-12", ("0579", "8888888-12")), ("85786900", ("", "85786900")),
    ("", ("", "")),
])  # fmt: skip
def test_a_recorded_landline_is_split_as_the_page_asks(recorded: str,
                                                       split: tuple[str, str]) -> None:  # fmt: skip
    assert split_phone(recorded) == split


def test_full_width_digits_in_step_one(renewing: Client) -> None:
    application = _renewal(renewing)
    sent = _untouched(renewing.get(f"/applications/{application.pk}/fill/").content.decode())
    sent |= {"area_code": ["０５７１"], "contact_phone": ["８５７８ ６９００－１２"],
             "barcodes_in_use": ["１２"]}  # fmt: skip
    assert renewing.post(f"/applications/{application.pk}/fill/", sent).status_code == 302
    application.refresh_from_db()
    assert (application.data["area_code"], application.data["contact_phone"]) == (
        "0571",
        "85786900-12",
    )
    assert application.data["barcodes_in_use"] == 12


def _at_materials(client: Client) -> Application:
    application = _renewal(client)
    sent = _untouched(client.get(f"/applications/{application.pk}/fill/").content.decode())
    client.post(f"/applications/{application.pk}/fill/", sent)
    application.refresh_from_db()
    assert application.status == Application.Status.MATERIALS
    return application


def _upload(client: Client, application: Application, kind: str, **extra: object) -> str:
    application.refresh_from_db()
    data = {"image": scan_png(), "version": application.version, **extra}
    answer = client.post(f"/applications/{application.pk}/upload/{kind}/", data, follow=True)
    return _text(answer.content.decode())


def test_renewal_step_two_as_the_seed_shows_it(renewing: Client) -> None:
    application = _at_materials(renewing)
    page = renewing.get(f"/applications/{application.pk}/").content.decode()
    seed = ["续展 > 资料上传", "资料上传", "续展登记表下载 *", "续展登记表.pdf", "企业营业执照 *",
            "样图查看", "jpg", "2 MB", "上传的图片需加盖企业公章", "下载续展登记表，打印之后",
            "盖章", "寄到省中心", "地址"]  # fmt: skip
    assert _has_all(page, seed) == []
    assert 'id="upload-remittance"' not in page  # paid online or by transfer: not chosen yet
    sample = re.search(r'href="([^"]+)"[^>]*id="sample-licence"', page)
    assert sample is not None
    assert sample.group(1).endswith(".png")
    # A hand-made upload of a remittance proof at this step is refused, and nothing is kept.
    assert "此时无需上传汇款证明" in _upload(renewing, application, "remittance")
    assert not application.materials.exists()


def test_uploads_replaced_and_removed_until_submitted(renewing: Client) -> None:
    application = _at_materials(renewing)
    assert "营业执照已上传" in _upload(renewing, application, "licence")
    first = application.materials.get()
    assert "营业执照已替换" in _upload(renewing, application, "licence", replaces=first.pk)
    second = application.materials.get()
    assert second.pk != first.pk
    # A refused file leaves the earlier one as it was.
    application.refresh_from_db()
    broken = io.BytesIO(b"GIF89a broken")
    broken.name = "broken.gif"
    bad = {"image": broken, "version": application.version, "replaces": second.pk}
    said = renewing.post(f"/applications/{application.pk}/upload/licence/", bad, follow=True)
    assert "notice error" in said.content.decode()
    assert list(application.materials.values_list("pk", flat=True)) == [second.pk]
    # Removed, and gone from storage once the removal committed.
    stored = second.image.name or ""
    storage = second.image.storage
    renewing.post(f"/applications/{application.pk}/materials/{second.pk}/remove/")
    assert not application.materials.exists()
    assert not storage.exists(stored)
    # After submission (the branch reviewing), neither is possible.
    _upload(renewing, application, "licence")
    application.refresh_from_db()
    Application.objects.filter(pk=application.pk).update(status=Application.Status.BRANCH_REVIEW)
    kept = application.materials.get()
    refused = renewing.post(f"/applications/{application.pk}/materials/{kept.pk}/remove/",
                            follow=True)  # fmt: skip
    assert "已上传的资料不能删除或替换" in _text(refused.content.decode())
    assert application.materials.filter(pk=kept.pk).exists()


def test_another_member_cannot_remove_a_document(renewing: Client, other_user: User) -> None:
    application = _at_materials(renewing)
    _upload(renewing, application, "licence")
    material = application.materials.get()
    stranger = Client()
    stranger.force_login(other_user)
    answer = stranger.post(f"/applications/{application.pk}/materials/{material.pk}/remove/")
    assert answer.status_code == 404
    assert application.materials.filter(pk=material.pk).exists()


def _at_payment(client: Client) -> Application:
    application = _at_materials(client)
    _upload(client, application, "licence")
    application.refresh_from_db()
    client.post(f"/applications/{application.pk}/act/",
                {"action": "materials_done", "version": application.version})  # fmt: skip
    application.refresh_from_db()
    assert application.status == Application.Status.PAYMENT
    return application


def test_payment_step_offers_the_transfer_slot_and_the_seed_banks(renewing: Client) -> None:
    application = _at_payment(renewing)
    page = renewing.get(f"/applications/{application.pk}/").content.decode()
    assert _has_all(page, ["续展 > 在线支付", "银行汇款", "汇款证明", "开户银行"]) == []
    assert 'id="upload-remittance"' in page
    order_page = renewing.post(f"/payments/applications/{application.pk}/pay/", follow=True)
    shown = order_page.content.decode()
    seed = ["续展 > 在线支付", "3.网上支付", "订单提交成功，请尽快付款！", "订单号", "厂商续展费用",
            "银联支付", "中国银联", "工商银行", "兴业银行", "微信支付", "支付宝支付",
            "网上支付需要使用个人账号支付"]  # fmt: skip
    assert _has_all(shown, seed) == []
    # Once an order is placed, its amount stays: step 1 may not change the fee.
    application.refresh_from_db()
    assert Order.objects.filter(application=application).exists()
    sent = _untouched(renewing.get(f"/applications/{application.pk}/fill/").content.decode())
    sent |= {"renewal_type": ["by_code"], "codes": ["69212345"]}
    assert renewing.post(f"/applications/{application.pk}/fill/", sent).status_code == 302
    sent = _untouched(renewing.get(f"/applications/{application.pk}/fill/").content.decode())
    sent |= {"codes": ["69212345", "0614141"]}
    answer = renewing.post(f"/applications/{application.pk}/fill/", sent)
    assert "会使应缴费用由" in answer.content.decode()


def test_step_one_editable_while_waiting_for_documents(renewing: Client) -> None:
    application = _at_materials(renewing)
    assert 'id="edit"' in renewing.get(f"/applications/{application.pk}/").content.decode()
    sent = _untouched(renewing.get(f"/applications/{application.pk}/fill/").content.decode())
    sent["contact"] = ["新联系人"]
    assert renewing.post(f"/applications/{application.pk}/fill/", sent).status_code == 302
    application.refresh_from_db()
    assert (application.status, application.data["contact"]) == ("materials", "新联系人")


def test_withdraw_is_confirmed_first(renewing: Client) -> None:
    application = _at_materials(renewing)
    asked = {"action": "withdraw", "version": application.version}
    page = renewing.post(f"/applications/{application.pk}/act/", asked).content.decode()
    assert "撤回后，本申请即办结，不能恢复" in page
    assert 'name="confirmed"' in page
    application.refresh_from_db()
    assert application.status == Application.Status.MATERIALS  # nothing happened yet
    said = renewing.post(f"/applications/{application.pk}/act/", asked | {"confirmed": "on"},
                         follow=True)  # fmt: skip
    application.refresh_from_db()
    assert application.status == Application.Status.WITHDRAWN
    assert "申请已撤回" in said.content.decode()


def test_a_cancellation_is_confirmed_before_it_goes_to_review(member_user: User) -> None:
    client = Client()
    client.force_login(member_user)
    client.post("/applications/new/cancellation/", {"reason": "停产"})
    application = Application.objects.get(kind=Application.Kind.CANCELLATION)
    _upload(client, application, "licence")
    application.refresh_from_db()
    done = {"action": "materials_done", "version": application.version}
    page = client.post(f"/applications/{application.pk}/act/", done).content.decode()
    assert "系统成员资格即终止" in page
    application.refresh_from_db()
    assert application.status == Application.Status.MATERIALS
    client.post(f"/applications/{application.pk}/act/", done | {"confirmed": "on"})
    application.refresh_from_db()
    assert application.status == Application.Status.BRANCH_REVIEW


def test_registration_asks_the_captcha_before_an_sms(client: Client) -> None:
    page = client.get("/accounts/register/").content.decode()
    assert _has_all(page, ["1 验证手机", "2 设置密码", "3 注册成功", "手机号", "验证码",
                           "下一步"]) == []  # fmt: skip
    assert 'id="captcha-image"' in page
    refused = client.post("/accounts/register/", {"mobile": "13700000031", "action": "send",
                                                  "captcha": "WRONG"})  # fmt: skip
    assert "图形验证码错误" in refused.content.decode()
    assert not SmsMessage.objects.filter(mobile="13700000031").exists()
    sent = {"mobile": "13700000031", "action": "send", "captcha": captcha_answer(client)}
    client.post("/accounts/register/", sent)
    assert SmsMessage.objects.filter(mobile="13700000031").exists()
    # The solved captcha is good for one code only.
    again = client.post("/accounts/register/", sent)
    assert "图形验证码错误" in again.content.decode()
    assert SmsMessage.objects.filter(mobile="13700000031").count() == 1


def test_forgot_password_asks_the_captcha_too(client: Client, member_user: User) -> None:
    client.post("/accounts/forgot/", {"mobile": member_user.mobile, "action": "send"})
    assert not SmsMessage.objects.filter(mobile=member_user.mobile).exists()


def test_login_and_user_center_pages_have_the_seed_fields(client: Client,
                                                           fresh_user: User) -> None:  # fmt: skip
    login = client.get("/accounts/login/").content.decode()
    seed = ["登录选择", "手机号", "GDS卡号", "密码", "验证码", "忘记密码?", "登录", "注册"]
    assert _has_all(login, seed) == []
    client.force_login(fresh_user)
    activate = client.get("/accounts/activate/").content.decode()
    assert _has_all(activate, ["激活", "物编注字", "参考系统成员证书右上角", "企业名称",
                               "验证码"]) == []  # fmt: skip
    mobile = client.get("/accounts/mobile/").content.decode()
    assert _has_all(mobile, ["重置手机号", "1 重置手机", "2 设置密码", "3 重置成功", "原手机号",
                             "新手机号", "验证码", "下一步"]) == []  # fmt: skip


def test_other_information_has_the_seed_fields(member_user: User) -> None:
    client = Client()
    client.force_login(member_user)
    other = client.get("/accounts/other/").content.decode()
    assert _has_all(other, ["其他信息", "地址", "联系方式", "开户名称", "开户银行",
                            "银行账号"]) == []  # fmt: skip


def test_a_card_number_logs_in_only_as_a_card(client: Client, member_user: User) -> None:
    card = member_user.gds_card or ""
    wrong_choice = {"method": "mobile", "identifier": card, "password": PASSWORD,
                    "captcha": captcha_answer(client)}  # fmt: skip
    refused = client.post("/accounts/login/", wrong_choice).content.decode()
    assert "账号或密码错误" in refused
    assert "注册并激活账号" in refused
    right = wrong_choice | {"method": "gds", "captcha": captcha_answer(client)}
    assert client.post("/accounts/login/", right).status_code == 302


def test_every_member_gets_its_card_number_by_migration(db: None) -> None:
    """A hall whose members predate the card numbers: migrating gives each its own, and each
    first administrator without a card its member's."""
    executor = MigrationExecutor(connection)
    latest = list(executor.loader.graph.leaf_nodes())
    executor.migrate([("members", "0007_name_search")])
    try:
        first = make_member("3301", "甲公司", "物编注字第300001号", "69211111", "91330106MA27XK5Q0")
        second = make_member(
            "3301", "乙公司", "物编注字第300002号", "69222222", "91330106MA27XK6Q0"
        )
        Member.objects.filter(pk=second.pk).update(gds_card=None)
        Member.objects.filter(pk=first.pk).update(gds_card="33010000001")  # held already
        # The account as the schema of then has it (accounts.0008 makes member_admin a role).
        then = [("members", "0007_name_search"), ("accounts", "0007_api_keys_move_in")]
        old = executor.loader.project_state(then).apps
        admin = old.get_model("accounts", "User").objects.create(
            mobile="13700000041", password=PASSWORD, member_id=second.pk, member_admin=True
        )
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(latest)
    second.refresh_from_db()
    admin = User.objects.get(pk=admin.pk)
    assert second.gds_card == "33010000002"  # the branch's serial, past the one already held
    assert admin.gds_card == second.gds_card
    assert admin.member_role == "admin"  # accounts.0008: the administrator stays one


def test_an_approved_registration_gets_a_card_number(member: Member) -> None:
    from hall.applications.registration import approve_registration
    from tests.hall.steps import VALID_DATA

    PrefixPool.objects.create(block="692", length=8)
    applicant = User.objects.create_user("13700000051", PASSWORD)
    data = VALID_DATA[Application.Kind.REGISTRATION]
    application = Application.objects.create(kind=Application.Kind.REGISTRATION,
                                             applicant=applicant, branch=member.branch,
                                             data=data)  # fmt: skip
    approve_registration(application, member.valid_from)
    created = Member.objects.get(name="新注册有限公司")
    applicant.refresh_from_db()
    assert (created.gds_card or "").startswith("3301")
    assert applicant.gds_card == created.gds_card


@pytest.mark.parametrize("path", ["/accounts/register/", "/accounts/forgot/", "/accounts/mobile/",
                                  "/accounts/password/", "/accounts/users/"])  # fmt: skip
def test_the_account_pages_read_in_english(path: str, member_user: User) -> None:
    """Every word of the page's own in English once English is chosen (the data, a company's
    name, stays as it is: these pages show none)."""
    client = Client()
    client.cookies["django_language"] = "en"
    client.force_login(member_user)
    page = client.get(path).content.decode()
    main = page[page.index("<main") : page.index("</main>")]
    assert re.findall(r"[\u4e00-\u9fff]+", _text(main)) == []


def _remove(client: Client, application: Application, material_pk: int) -> str:
    path = f"/applications/{application.pk}/materials/{material_pk}/remove/"
    return _text(client.post(path, follow=True).content.decode())


def test_at_the_payment_step_the_licence_is_replaced_not_removed(renewing: Client) -> None:
    """Else a member could remove it, pay online, and reach the review without it."""
    application = _at_payment(renewing)
    licence = application.materials.get()
    assert "是必需的资料，不能删除" in _remove(renewing, application, licence.pk)
    assert application.materials.filter(pk=licence.pk).exists()
    # Nor replaced by a document of another kind (the remittance slot is open here).
    said = _upload(renewing, application, "remittance", replaces=licence.pk)
    assert "只能用同类资料替换" in said
    assert list(application.materials.values_list("kind", flat=True)) == ["licence"]
    assert "已替换" in _upload(renewing, application, "licence", replaces=licence.pk)


def test_a_transfers_proof_fixes_the_fee(renewing: Client) -> None:
    """The proof is of the fee shown: step 1 may still change, but not where the fee does."""
    application = _at_payment(renewing)
    _upload(renewing, application, "remittance")
    assert 'id="edit"' in renewing.get(f"/applications/{application.pk}/").content.decode()
    sent = _untouched(renewing.get(f"/applications/{application.pk}/fill/").content.decode())
    by_code = sent | {"renewal_type": ["by_code"], "codes": ["69212345", "0614141"]}
    refused = renewing.post(f"/applications/{application.pk}/fill/", by_code)
    assert "此项改动会使应缴费用由 1280.00 元变为 2560.00 元" in refused.content.decode()
    application.refresh_from_db()
    assert application.data["renewal_type"] == "by_name"
    sent = _untouched(renewing.get(f"/applications/{application.pk}/fill/").content.decode())
    sent["contact"] = ["新联系人"]
    assert renewing.post(f"/applications/{application.pk}/fill/", sent).status_code == 302
    application.refresh_from_db()
    assert application.data["contact"] == "新联系人"


def test_a_returned_application_keeps_what_its_reviewer_saw(renewing: Client) -> None:
    application = _at_materials(renewing)
    _upload(renewing, application, "licence")
    Application.objects.filter(pk=application.pk).update(status=Application.Status.RETURNED)
    seen = application.materials.get()
    assert "已上传的资料不能删除或替换" in _remove(renewing, application, seen.pk)
    assert "已上传的资料不能删除或替换" in _upload(renewing, application, "licence",
                                                      replaces=seen.pk)  # fmt: skip
    assert "营业执照已上传" in _upload(renewing, application, "licence")  # a new page is added
    assert application.materials.count() == 2
    page = renewing.get(f"/applications/{application.pk}/").content.decode()
    assert f'id="remove-{seen.pk}"' not in page


def test_a_registrations_branch_stays_as_submitted(member: Member) -> None:
    from tests.hall.steps import VALID_DATA

    applicant = User.objects.create_user("13700000061", PASSWORD)
    client = Client()
    client.force_login(applicant)
    data = dict(VALID_DATA[Application.Kind.REGISTRATION])
    client.post("/applications/registration/", data)
    application = Application.objects.get(kind=Application.Kind.REGISTRATION)
    other = make_member("1101", "北京另一家有限公司", "物编注字第200002号", "69254321",
                        "91110105MA01ABCD0")  # fmt: skip
    page = client.get(f"/applications/{application.pk}/fill/").content.decode()
    assert re.search(r'<select name="branch"[^>]*disabled', page)
    sent = _untouched(page) | {"branch": [other.branch.code], "name": ["新注册股份有限公司"]}
    answer = client.post(f"/applications/{application.pk}/fill/", sent)
    assert answer.status_code == 302, re.findall(r'role="alert">([^<]+)<', answer.content.decode())
    application.refresh_from_db()
    assert (application.data["branch"], application.branch.code) == ("3301", "3301")
    assert application.data["name"] == "新注册股份有限公司"
