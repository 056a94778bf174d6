from django.contrib import admin

from cme_tracker.core.admin import ReferenceItemAdmin

from .models import ReferralSource

admin.site.register(ReferralSource, ReferenceItemAdmin)
