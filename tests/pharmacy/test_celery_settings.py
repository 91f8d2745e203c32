"""The Celery settings a task's publishing asks for are set, to Celery's own defaults: unset, each question
missed Django's settings (an exception raised and caught) before the default answered."""

from celery import Celery
from celery.app.defaults import DEFAULTS
from django.conf import LazySettings, settings

ASKED_ON_PUBLISH = ("task_default_queue", "task_send_sent_event", "task_repr_maxlevels",
                    "broker_pool_acquire_timeout")


def test_the_settings_asked_on_every_publish_are_celerys_defaults():
    for name in ASKED_ON_PUBLISH:
        assert getattr(settings, f"CELERY_{name.upper()}") == DEFAULTS[name], name


def test_publishing_a_task_finds_every_setting_it_asks_django_for(monkeypatch):
    app = Celery("publishing-probe", set_as_current=False)
    app.config_from_object("django.conf:settings", namespace="CELERY")
    app.conf.update(broker_url="memory://", task_always_eager=False)

    @app.task(name="publishing-probe.noop", shared=False)
    def probe():
        """Never run: only published."""

    probe.delay()  # the first publish sets up the producer and the queue
    missed = []
    ask = LazySettings.__getattr__

    def recording(self, name):
        try:
            return ask(self, name)
        except AttributeError:
            missed.append(name)
            raise

    monkeypatch.setattr(LazySettings, "__getattr__", recording)
    probe.delay()

    assert missed == []
