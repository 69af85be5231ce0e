# Run by tests/deploy/test_compose.py through `python -m hall shell`, on the deployed hall's
# database: a member with a company prefix and an API key (printed), and a finished job that
# the daily retention cannot clear (its result "file" is a folder with something in it: a
# storage fault, for the periodic task that fails).
from datetime import date, timedelta

from django.conf import settings
from django.utils import timezone

from hall.accounts.models import ApiKey
from hall.jobs.models import Job
from hall.members.models import BranchOffice, CompanyPrefix, Member

branch = BranchOffice.objects.create(code="11", name="北京分中心", region="11", address="北京")
today = date.today()
member = Member.objects.create(
    name="部署测试有限公司",
    uscc="91110000600037341L",
    registered_address="北京",
    legal_representative="法人",
    contact="联系人",
    certificate_number="物编注字第100001号",
    archive_index="100001",
    branch=branch,
    valid_from=today - timedelta(days=300),
    valid_until=today + timedelta(days=400),
    gds_card="GDS100001",
    mobile="13700000001",
)
CompanyPrefix.objects.create(member=member, prefix="6921234", allocated_on=member.valid_from)
stuck = settings.DATA_DIR / "media" / "jobs" / "stuck"
(stuck / "inside").mkdir(parents=True, exist_ok=True)
Job.objects.create(
    name="verify_file",
    owner="key:0",
    status=Job.Status.DONE,
    output="jobs/stuck",
    finished_at=timezone.now() - timedelta(days=365),
)
print(member.pk, ApiKey.issue(name="deploy test", member=member)[1])
