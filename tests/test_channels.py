"""The channel table (simoffice.model.channels): one row per channel, codes as stored in the tables."""

from __future__ import annotations

import simoffice
from simoffice.config.build import build_spec
from simoffice.measures.metrics import CLIENT_MEASURES
from simoffice.model.channels import CHANNEL_TABLE, CHANNELS, CHOOSABLE, PHONE, WALK_IN, wait_targets
from simoffice.model.distributions import Exponential
from simoffice.model.spec import PHONE_MODES, Service


def test_the_codes_are_the_ones_the_tables_store():
    """Codes are table positions, in the order of the contacts table's channel column; the
    channels a client can choose come first (a segment's weights are indexed by code)."""
    assert CHANNELS == ("walk_in", "appointment", "phone", "video", "online", "mobile")
    assert [ch.code for ch in CHANNEL_TABLE] == list(range(len(CHANNEL_TABLE)))
    assert CHOOSABLE == CHANNELS[:5] == tuple(ch.name for ch in CHANNEL_TABLE if ch.choosable)


def test_every_measure_of_a_row_is_a_client_measure_and_queued_channels_have_waits():
    for ch in CHANNEL_TABLE:
        assert set(ch.measures) <= set(CLIENT_MEASURES), ch.name
        assert ("wait_mean_min" in ch.measures) == (ch.queue is not None), ch.name
        assert ("failed_trip_rate" in ch.measures) == (ch.physical or ch.name == "video"), ch.name


def test_a_channel_takes_up_a_need_by_the_services_flag_or_phone_mode():
    """Walk-ins take every need; the phone settles, only advises on, or does not take a
    need by the service's mode; video and online by their flags."""
    phone, video, online = (CHANNEL_TABLE[CHANNELS.index(name)] for name in ("phone", "video", "online"))
    for mode in PHONE_MODES:
        service = Service("s", 0, Exponential(5.0), 0.0, agency=0, online=False, phone=PHONE_MODES.index(mode),
                          video=True, phone_time=None, video_time=None, escalation_prob=0.0, expert_time=None,
                          follow_up_prob=0.0, proactive_share=0.0)
        assert phone.mode(service) == mode
        assert (video.mode(service), online.mode(service), CHANNEL_TABLE[WALK_IN].mode(service)) == \
            ("settle", "none", "settle")


def test_the_phone_has_its_own_wait_target_when_the_network_has_a_contact_centre():
    regional = build_spec(simoffice.compose("network=regional"))
    single = build_spec(simoffice.compose("network=single_office"))
    assert regional.phone is not None and single.phone is None
    targets = wait_targets(regional)
    assert targets[PHONE] == regional.phone.target_min
    assert all(t == regional.run.service_level_target_min for code, t in enumerate(targets) if code != PHONE)
    assert wait_targets(single) == (single.run.service_level_target_min,) * len(CHANNEL_TABLE)
