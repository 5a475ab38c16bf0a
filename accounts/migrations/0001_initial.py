# The two models moved from procedures with their tables: the state is created here
# and deleted from procedures (0011), and the database is left as it is.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('procedures', '0010_applicant_profile_address_and_company'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='ApplicantProfile',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('document_type', models.CharField(choices=[('CC', 'Cédula de ciudadanía'), ('CE', 'Cédula de extranjería'), ('PA', 'Pasaporte'), ('NIT', 'NIT')], max_length=3, verbose_name='tipo de documento')),
                        ('document_number', models.CharField(max_length=20, verbose_name='número de documento')),
                        ('phone', models.CharField(blank=True, max_length=20, verbose_name='teléfono')),
                        ('address', models.CharField(blank=True, max_length=200, verbose_name='dirección')),
                        ('acts_for_company', models.BooleanField(default=False, verbose_name='actúa en representación de una empresa')),
                        ('company_name', models.CharField(blank=True, max_length=200, verbose_name='razón social')),
                        ('company_nit', models.CharField(blank=True, max_length=20, verbose_name='NIT de la empresa')),
                        ('email_verified_at', models.DateTimeField(blank=True, null=True, verbose_name='correo verificado el')),
                        ('updated_at', models.DateTimeField(auto_now=True)),
                        ('user', models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='applicant_profile', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'verbose_name': 'perfil del solicitante',
                        'db_table': 'procedures_applicantprofile',
                        'constraints': [models.UniqueConstraint(fields=('document_type', 'document_number'), name='applicant_document_unique')],
                    },
                ),
                migrations.CreateModel(
                    name='PrivacyConsent',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('notice_version', models.CharField(max_length=20)),
                        ('accepted_at', models.DateTimeField(auto_now_add=True)),
                        ('context', models.CharField(help_text='Where it was accepted: sign-up, filing, wizard', max_length=60)),
                        ('user', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='privacy_consents', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'procedures_privacyconsent',
                        'constraints': [models.UniqueConstraint(fields=('user', 'notice_version', 'context'), name='privacy_consent_once')],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
