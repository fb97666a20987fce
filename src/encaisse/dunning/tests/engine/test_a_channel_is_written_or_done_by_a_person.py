"""Every channel is either written (the outbox sends it) or done by a person (a task)."""

from encaisse.dunning.engine import Channel


def test_a_channel_is_written_or_done_by_a_person():
    assert Channel.written() == ("email", "letter", "sms")
    for channel in Channel:
        assert channel.is_written != channel.is_human
