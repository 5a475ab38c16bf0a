# ApplicantProfile and PrivacyConsent now belong to accounts (its 0001 takes over
# their state); their tables stay, so only the state is deleted here.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('procedures', '0010_applicant_profile_address_and_company'),
        ('accounts', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name='ApplicantProfile'),
                migrations.DeleteModel(name='PrivacyConsent'),
            ],
            database_operations=[],
        ),
    ]
