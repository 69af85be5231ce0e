"""Every member has its GDS card number (条码卡号), so that it can log in by card (登录选择): the
members registered before the hall issued them get one, numbered as
``hall.members.numbering.gds_card_numbers`` numbers them, and the first administrator account of
each, if it has no card, carries its member's."""

from django.db import migrations


def _cards(apps, schema_editor):
    Member = apps.get_model("members", "Member")
    Sequence = apps.get_model("members", "Sequence")
    User = apps.get_model("accounts", "User")
    taken = set(Member.objects.exclude(gds_card=None).values_list("gds_card", flat=True))
    carded = set(User.objects.exclude(gds_card=None).values_list("gds_card", flat=True))
    for member in Member.objects.filter(gds_card=None).select_related("branch").order_by("id"):
        code = member.branch.code
        counter, _ = Sequence.objects.get_or_create(name=f"gds-{code}")
        card = ""
        while not card or card in taken:
            counter.value += 1
            card = f"{code}{counter.value:07d}"  # numbering.CARD_SERIAL_DIGITS
        counter.save(update_fields=["value"])
        taken.add(card)
        member.gds_card = card
        member.save(update_fields=["gds_card"])
        admins = User.objects.filter(member=member, member_admin=True, gds_card=None)
        admin = admins.order_by("id").first()
        if admin is not None and card not in carded:
            admin.gds_card = card
            admin.save(update_fields=["gds_card"])
            carded.add(card)


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0007_name_search"),
        ("accounts", "0007_api_keys_move_in"),
    ]

    operations = [migrations.RunPython(_cards, migrations.RunPython.noop)]
