use ecsctx::event;

fn main() {
    event!(
        info,
        "a_very_long_event_name_that_keeps_going_and_going_because_someone_pasted_a_whole_sentence_into_it_instead_of_a_short_identifier_x"
    );
}
