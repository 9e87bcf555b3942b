package vn.hoso

import java.io.File
import kotlinx.coroutines.CoroutineDispatcher
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.flow.Flow
import kotlinx.coroutines.flow.SharedFlow
import kotlinx.coroutines.flow.filter
import kotlinx.coroutines.flow.filterIsInstance
import kotlinx.coroutines.flow.map
import kotlinx.coroutines.withContext
import vn.hoso.ffi.Account
import vn.hoso.ffi.AddressCheck
import vn.hoso.ffi.AddressMatch
import vn.hoso.ffi.AddressTable
import vn.hoso.ffi.AddressUpgrade
import vn.hoso.ffi.AttachedFile
import vn.hoso.ffi.AuditEntry
import vn.hoso.ffi.CatalogImport
import vn.hoso.ffi.CatalogUpdate
import vn.hoso.ffi.CatalogUpdateOptions
import vn.hoso.ffi.Consent
import vn.hoso.ffi.ConsentFormRequest
import vn.hoso.ffi.ConvertedAddress
import vn.hoso.ffi.Dossier
import vn.hoso.ffi.DossierPayments
import vn.hoso.ffi.Draft
import vn.hoso.ffi.DraftForm
import vn.hoso.ffi.DraftSummary
import vn.hoso.ffi.FieldChange
import vn.hoso.ffi.FilingChannel
import vn.hoso.ffi.FollowedDossier
import vn.hoso.ffi.Handover
import vn.hoso.ffi.Hoso
import vn.hoso.ffi.HosoEvent
import vn.hoso.ffi.KeyProvider
import vn.hoso.ffi.LinkedFiling
import vn.hoso.ffi.NetworkMonitor
import vn.hoso.ffi.NewConsent
import vn.hoso.ffi.PhotoDocument
import vn.hoso.ffi.PhotoOptions
import vn.hoso.ffi.PortalAccount
import vn.hoso.ffi.ProcedureDetail
import vn.hoso.ffi.ProcedureHit
import vn.hoso.ffi.Profile
import vn.hoso.ffi.ProfileAddressUpgrade
import vn.hoso.ffi.ProfileChange
import vn.hoso.ffi.ReceiptCheck
import vn.hoso.ffi.ReceivingAgency
import vn.hoso.ffi.Resident
import vn.hoso.ffi.ScannedCode
import vn.hoso.ffi.SearchOptions
import vn.hoso.ffi.SecretStore
import vn.hoso.ffi.StatusUpdate
import vn.hoso.ffi.Submission
import vn.hoso.ffi.SyncState
import vn.hoso.ffi.SyncSummary
import vn.hoso.ffi.TeamDossierPage
import vn.hoso.ffi.TeamStatsRow
import vn.hoso.ffi.TransferCheck
import vn.hoso.ffi.TrustedPortal
import vn.hoso.ffi.ValidationReport
import vn.hoso.ffi.VolunteerTeam

/**
 * The Kotlin face of hoso's core: one [Hoso] opened on a data directory, with
 * suspend functions that never block the caller's thread (store and file work
 * on [io], search on [cpu]; the core's own async calls run on its runtime) and
 * the core's events as a [Flow].
 *
 * Open one per data directory for the life of the process (see
 * [HosoClient.open]) and [close] it when done (`use {}`). Every call may come
 * from any coroutine; failures arrive as the typed
 * [vn.hoso.ffi.HosoException] subclasses (`NotFound`, `InvalidInput`,
 * `NotReady`, `NotLoggedIn`, `Network`, `Portal` …), each with `code`,
 * `message`, `messageVi` and `messageEn`.
 *
 * [core] is the generated object itself, for the calls not wrapped here.
 */
class HosoClient private constructor(
    val core: Hoso,
    private val stream: EventStream,
    private val io: CoroutineDispatcher,
    private val cpu: CoroutineDispatcher,
) : AutoCloseable {

    companion object {
        /**
         * Opens hoso's state under [dataDir]. [keyProvider] supplies the key
         * sealing personal data (the platform keystore; asked once, here);
         * [network] tells the core whether the device is online and metered.
         * Blocking (it opens the store): call it off the main thread.
         */
        fun open(
            dataDir: File,
            keyProvider: KeyProvider,
            network: NetworkMonitor? = null,
            eventCapacity: Int = 256,
            io: CoroutineDispatcher = Dispatchers.IO,
            cpu: CoroutineDispatcher = Dispatchers.Default,
        ): HosoClient {
            val stream = EventStream(eventCapacity)
            val core = Hoso(dataDir.path, keyProvider, stream, network)
            return HosoClient(core, stream, io, cpu)
        }
    }

    /** Every event of the core: progress, submissions, status, sync state. */
    val events: SharedFlow<HosoEvent> get() = stream.events

    /** Progress of attaching to one slot of one draft. */
    fun attachProgress(draftId: String, slot: String): Flow<HosoEvent.AttachProgress> =
        events.filterIsInstance<HosoEvent.AttachProgress>()
            .filter { it.draftId == draftId && it.slot == slot }

    /** Upload progress of every submission being sent. */
    val uploads: Flow<HosoEvent.UploadProgress>
        get() = events.filterIsInstance()

    /** Status changes of followed dossiers. */
    val statusChanges: Flow<HosoEvent.StatusChanged>
        get() = events.filterIsInstance()

    /** The background sync loop's state. */
    val syncStates: Flow<SyncState>
        get() = events.filterIsInstance<HosoEvent.SyncStateChanged>().map { it.state }

    // Catalog

    /** Searches the catalog as people type (no diacritics, typos, codes). */
    suspend fun search(query: String, options: SearchOptions = SearchOptions()): List<ProcedureHit> =
        withContext(cpu) { core.search(query, options) }

    suspend fun procedure(code: String): ProcedureDetail = withContext(io) { core.procedure(code) }

    /**
     * The catalog and receipt-signing keys from the portal (no account needed): the changes since
     * the catalog held when the portal keeps them, else the whole catalog. On a metered network
     * (as [options] or the network monitor say) a download over the limit waits:
     * `method == WAITING_FOR_UNMETERED`.
     */
    suspend fun updateCatalog(
        portalUrl: String? = null,
        options: CatalogUpdateOptions = CatalogUpdateOptions(),
    ): CatalogUpdate = core.updateCatalog(portalUrl, options)

    /**
     * Trusts [rootKey] (base64url, as the portal publishes it) as the portal's root key: its
     * catalogs and receipt-signing keys are then taken only under that key's signature. Without
     * it, the key of the portal's first signed answer is pinned.
     */
    suspend fun trustPortalRootKey(rootKey: String, portalUrl: String? = null) =
        withContext(io) { core.trustPortalRootKey(portalUrl, rootKey) }

    /** The portals trusted, with their root keys. */
    suspend fun trustedPortals(): List<TrustedPortal> = withContext(io) { core.trustedPortals() }

    /** A catalog bundle shipped with the app, or the crawled national data. */
    suspend fun importCatalog(file: File): CatalogImport = core.importCatalog(file.path)

    // Profile

    suspend fun profile(): Profile = withContext(io) { core.profile() }

    suspend fun setProfileValue(field: String, value: String, member: String? = null): ProfileChange =
        withContext(io) { core.setProfileValue(member, field, value) }

    // Addresses (the units since 1 July 2025)

    /** The address picker, for every keystroke: units best first, within [province] (its code) when given. */
    suspend fun searchAddress(query: String, province: String? = null, limit: Int = 10): List<AddressMatch> =
        withContext(cpu) { core.searchAddress(query, province, limit.coerceAtLeast(0).toUInt()) }

    /** Which units table addresses are checked against (the app's, or a newer one from the catalog). */
    suspend fun addressTable(): AddressTable = withContext(cpu) { core.addressTable() }

    /** A province and commune checked together; suggestions when they name no unit. */
    suspend fun checkAddress(province: String, commune: String): AddressCheck =
        withContext(cpu) { core.checkAddress(province, commune) }

    /** A free-text address, old or new, in today's units. */
    suspend fun convertAddress(text: String): ConvertedAddress = withContext(cpu) { core.convertAddress(text) }

    /** The profile's addresses brought up to today's units, each reported. */
    suspend fun upgradeProfileAddresses(): ProfileAddressUpgrade = withContext(io) { core.upgradeProfileAddresses() }

    /** A draft's addresses brought up to today's units, each reported. */
    suspend fun upgradeDraftAddresses(id: String): List<AddressUpgrade> =
        withContext(io) { core.upgradeDraftAddresses(id) }

    // Drafts

    suspend fun createDraft(procedureCode: String, prefill: Boolean = true): DraftForm =
        withContext(io) { core.createDraft(procedureCode, prefill) }

    suspend fun draft(id: String): DraftForm = withContext(io) { core.draft(id) }

    suspend fun drafts(): List<DraftSummary> = withContext(io) { core.drafts() }

    /** Saves the value as typed; the result says what is wrong with it, if anything. */
    suspend fun setDraftValue(id: String, field: String, value: String): FieldChange =
        withContext(io) { core.setDraftValue(id, field, value) }

    suspend fun clearDraftValue(id: String, field: String): Draft =
        withContext(io) { core.clearDraftValue(id, field) }

    suspend fun duplicateDraft(id: String): DraftForm = withContext(io) { core.duplicateDraft(id) }

    suspend fun deleteDraft(id: String): String = withContext(io) { core.deleteDraft(id) }

    /**
     * Moves a draft onto the installed catalog and its form version after a
     * catalog update (review `validateDraft`'s `formChanges` first): values of
     * renamed fields follow them; removed and retyped ones are kept for review.
     */
    suspend fun upgradeDraft(id: String): DraftForm = withContext(io) { core.upgradeDraft(id) }

    suspend fun validateDraft(id: String, complete: Boolean = true): ValidationReport =
        withContext(io) { core.validateDraft(id, complete) }

    // Attachments

    /** Streams [file] into the draft's slot; progress arrives on [attachProgress]. */
    suspend fun attach(draftId: String, slot: String, file: File): AttachedFile =
        core.attach(draftId, slot, file.path)

    /**
     * Makes [photos] (the pages of one paper, in order) one PDF for [slot]: fitted to A4,
     * compressed to stay legible within [maxBytes] and the slot's limit, with no metadata
     * from the photos (GPS position, the phone's make). Pages are heard on [photoPages].
     */
    suspend fun attachPhotos(
        draftId: String,
        slot: String,
        photos: List<File>,
        grayscale: Boolean = false,
        maxBytes: Long? = null,
    ): PhotoDocument = core.attachPhotos(draftId, slot, photos.map { it.path }, PhotoOptions(grayscale, maxBytes))

    /** Pages made of photos for one slot of one draft. */
    fun photoPages(draftId: String, slot: String): Flow<HosoEvent.PhotoPageMade> =
        events.filterIsInstance<HosoEvent.PhotoPageMade>()
            .filter { it.draftId == draftId && it.slot == slot }

    // Portal, outbox, sync

    suspend fun register(portalUrl: String, phone: String, password: String, fullName: String): PortalAccount =
        core.register(portalUrl, phone, password, fullName)

    suspend fun logIn(portalUrl: String, phone: String, password: String): PortalAccount =
        core.logIn(portalUrl, phone, password)

    suspend fun logOut() = core.logOut()

    /**
     * The agencies receiving [procedureCode] in [province] (official name,
     * diacritics optional), for the user to pick; [submit] takes one's code.
     * No account needed ([portalUrl], else the portal logged in to).
     */
    suspend fun receivingAgencies(
        procedureCode: String? = null,
        province: String? = null,
        portalUrl: String? = null,
    ): List<ReceivingAgency> = core.receivingAgencies(procedureCode, province, portalUrl)

    /** Freezes a complete draft into the outbox (sent by the next sync). */
    suspend fun submit(draftId: String, agency: String?, channel: FilingChannel = FilingChannel.ONLINE): Submission =
        withContext(io) { core.submit(draftId, agency, channel) }

    suspend fun outbox(): List<Submission> = withContext(io) { core.outbox() }

    /** One sync: send what is due, pull status, refresh followed receipts. */
    suspend fun syncNow(retryNow: Boolean = false): SyncSummary = core.syncNow(retryNow)

    suspend fun refreshStatus(): List<StatusUpdate> = core.refreshStatus()

    suspend fun dossiers(): List<Dossier> = withContext(io) { core.dossiers() }

    suspend fun dossier(code: String): Dossier? = withContext(io) { core.dossier(code) }

    /** Linked filings (e.g. 2.000986 birth + residence + health insurance) followed as one. */
    suspend fun linkedFilings(): List<LinkedFiling> = withContext(io) { core.linkedFilings() }

    // Fees (issue #23)

    /**
     * A dossier's payment requests as of the last sync and the device's clock:
     * what to pay with its VietQR (offline; draw it with [writeQrPng]), what is
     * paid with the electronic receipt verified, what expired. A paid or
     * expired request never has a VietQR.
     */
    suspend fun payments(dossierCode: String): DossierPayments = withContext(io) { core.payments(dossierCode) }

    /** Checks a scanned VietQR before paying it: its CRC and fields, and against the fees asked here. */
    suspend fun checkPaymentQr(text: String): TransferCheck = withContext(io) { core.checkPaymentQr(text) }

    /** Payment requests of dossiers filed from here that arrived or moved (paid, partly paid, expired). */
    val paymentChanges: Flow<HosoEvent.PaymentChanged>
        get() = events.filterIsInstance()

    fun startBackgroundSync() = core.startBackgroundSync()

    fun stopBackgroundSync() = core.stopBackgroundSync()

    // Receipts

    /** Verifies a receipt QR offline. */
    suspend fun verifyReceipt(qrText: String): ReceiptCheck = withContext(cpu) { core.verifyReceipt(qrText) }

    suspend fun receiptQr(dossierCode: String): String? = withContext(io) { core.receiptQr(dossierCode) }

    suspend fun scan(text: String): ScannedCode = withContext(io) { core.scan(text) }

    /** The QR codes in a photo, hoso receipts first. */
    suspend fun readQrPicture(file: File): List<String> = core.readQrPicture(file.path)

    suspend fun writeQrPng(qrText: String, file: File, modulePx: Int = 8) =
        core.writeQrPng(qrText, file.path, modulePx)

    /** Looks a scanned dossier up publicly and follows it. */
    suspend fun lookUp(text: String, portalUrl: String? = null): FollowedDossier = core.lookUp(text, portalUrl)

    suspend fun followedDossiers(): List<FollowedDossier> = withContext(io) { core.followedDossiers() }

    /** Stops the background loop and releases the core. */
    // Assisted filing (issue #19): volunteers, residents, consent, handover, audit, stats.

    /** Creates a volunteer account of a team and logs in; it files for residents once the commune approves it. */
    suspend fun registerVolunteer(
        portalUrl: String,
        phone: String,
        password: String,
        fullName: String,
        team: VolunteerTeam,
    ): PortalAccount = core.registerVolunteer(portalUrl, phone, password, fullName, team)

    /** The account logged in to, with a volunteer's team and the commune's approval. */
    suspend fun account(): Account = core.account()

    /** A page of the team's dossiers (an approved team leader only). */
    suspend fun teamDossiers(cursor: String? = null, limit: UInt? = null): TeamDossierPage =
        core.teamDossiers(cursor, limit)

    /** Writes the bilingual consent form (A4 PDF) for a resident to sign. */
    suspend fun writeConsentForm(request: ConsentFormRequest, file: File): Long =
        withContext(io) { core.writeConsentForm(request, file.path) }

    /** Writes a filed dossier's handover sheet (A5, or A4) as a PDF. */
    suspend fun writeHandoverPdf(dossierCode: String, helpedBy: String, file: File, a4: Boolean = false): Long =
        withContext(io) { core.writeHandoverPdf(dossierCode, helpedBy, a4, file.path) }

    /** Writes a filed dossier's handover sheet as a PNG to send by chat. */
    suspend fun writeHandoverPng(dossierCode: String, helpedBy: String, file: File): Long =
        withContext(io) { core.writeHandoverPng(dossierCode, helpedBy, file.path) }

    /** Turns on assisted filing; residents' keys are kept wrapped by a secret [secrets] holds. */
    suspend fun enableAssistedFiling(secrets: SecretStore) = withContext(io) { core.enableAssistedFiling(secrets) }

    /** Adds a resident with their consent (nothing of theirs is saved before it). */
    suspend fun createResident(label: String, consent: NewConsent): Resident =
        withContext(io) { core.createResident(label, consent) }

    suspend fun residents(): List<Resident> = withContext(io) { core.residents() }

    /** Draft, attachment, profile and outbox calls act on this resident's data from now on. */
    suspend fun useResident(id: String) = withContext(io) { core.useResident(id) }

    fun activeResident(): String? = core.activeResident()

    /** Closes the active resident and forgets their key. */
    suspend fun lockResident() = withContext(io) { core.lockResident() }

    /** Destroys a resident's key and deletes everything of theirs. */
    suspend fun wipeResident(id: String) = withContext(io) { core.wipeResident(id) }

    suspend fun residentConsent(): Consent = withContext(io) { core.residentConsent() }

    suspend fun recordConsent(consent: NewConsent): Consent = withContext(io) { core.recordConsent(consent) }

    /** What the active resident keeps of a dossier filed for them. */
    suspend fun handover(dossierCode: String): Handover = withContext(io) { core.handover(dossierCode) }

    suspend fun eraseExpiredResidents(): List<String> = withContext(io) { core.eraseExpiredResidents() }

    suspend fun auditLog(): List<AuditEntry> = withContext(io) { core.auditLog() }

    suspend fun teamStats(): List<TeamStatsRow> = withContext(io) { core.teamStats() }

    suspend fun teamStatsCsv(): String = withContext(io) { core.teamStatsCsv() }

    override fun close() {
        core.stopBackgroundSync()
        core.close()
    }
}
