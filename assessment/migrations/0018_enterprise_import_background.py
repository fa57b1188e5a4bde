"""Officials' lists of more than IMPORT_DIRECT_MAX_ROWS rows are checked and confirmed by background
tasks: the list's status, progress, stored preview and last message. Lists already imported are done."""

from django.db import migrations, models


def mark_imported_done(apps, schema_editor):
    EnterpriseImport = apps.get_model("assessment", "EnterpriseImport")
    EnterpriseImport.objects.filter(confirmed_at__isnull=False).update(status="done")


class Migration(migrations.Migration):
    dependencies = [("assessment", "0017_plan_figures")]

    operations = [
        migrations.AddField(
            model_name="enterpriseimport",
            name="status",
            field=models.CharField(
                choices=[
                    ("checking", "正在校验"),
                    ("ready", "待确认"),
                    ("confirming", "正在导入"),
                    ("done", "已导入"),
                    ("failed", "失败"),
                ],
                default="ready",
                max_length=16,
                verbose_name="状态",
            ),
        ),
        migrations.AddField(
            model_name="enterpriseimport",
            name="in_background",
            field=models.BooleanField(default=False, verbose_name="后台处理"),
        ),
        migrations.AddField(
            model_name="enterpriseimport",
            name="language",
            field=models.CharField(default="zh-hans", max_length=16, verbose_name="语言"),
        ),
        migrations.AddField(
            model_name="enterpriseimport",
            name="rows_checked",
            field=models.PositiveIntegerField(default=0, verbose_name="已校验行数"),
        ),
        migrations.AddField(
            model_name="enterpriseimport",
            name="check_result",
            field=models.JSONField(blank=True, null=True, verbose_name="校验结果"),
        ),
        migrations.AddField(
            model_name="enterpriseimport",
            name="message",
            field=models.TextField(blank=True, verbose_name="消息"),
        ),
        migrations.RunPython(mark_imported_done, migrations.RunPython.noop),
    ]
