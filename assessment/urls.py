from django.urls import path

from assessment.views import common

urlpatterns = [
    path("", common.home, name="home"),
]
