from django.contrib import admin

from hall.sms.models import SmsMessage


@admin.register(SmsMessage)
class SmsMessageAdmin(admin.ModelAdmin[SmsMessage]):
    list_display = ["sent_at", "mobile", "text"]
