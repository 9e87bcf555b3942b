package vn.hoso

import kotlinx.coroutines.channels.BufferOverflow
import kotlinx.coroutines.flow.MutableSharedFlow
import kotlinx.coroutines.flow.SharedFlow
import kotlinx.coroutines.flow.asSharedFlow
import vn.hoso.ffi.EventListener
import vn.hoso.ffi.HosoEvent

/**
 * Owns the bridge from the core's [EventListener] callbacks to a Kotlin
 * [SharedFlow]. The core calls [onEvent] from its own threads; the event is
 * handed to the flow without blocking (when collectors fall [capacity]
 * events behind, the oldest progress is dropped, never the caller).
 */
internal class EventStream(capacity: Int) : EventListener {
    private val flow = MutableSharedFlow<HosoEvent>(
        extraBufferCapacity = capacity,
        onBufferOverflow = BufferOverflow.DROP_OLDEST,
    )

    /** Every event the core sends, from the moment of collection. */
    val events: SharedFlow<HosoEvent> = flow.asSharedFlow()

    override fun onEvent(event: HosoEvent) {
        flow.tryEmit(event)
    }
}
