/**
 * Recording a call in the console (CALL4): both voices mixed into one track, with the other
 * side's picture for a video call, recorded by MediaRecorder as WebM; when it stops, the file is
 * uploaded as a blob and named in the record by the node (`call.recorded`, its SHA-256, size and
 * duration), from where the peers fetch it too.
 */
import { postRecording, uploadBlob } from './callsApi.ts';

/** A recording in progress. */
export class CallRecorder {
  private readonly recorder: MediaRecorder;
  private readonly chunks: Blob[] = [];
  private readonly audio: AudioContext;
  private readonly startedAt = performance.now();
  private readonly stopped: Promise<Blob>;

  constructor(localStream: MediaStream, remoteStream: MediaStream | null, isVideo: boolean) {
    this.audio = new AudioContext();
    const mix = this.audio.createMediaStreamDestination();
    for (const stream of [localStream, remoteStream]) {
      if (stream && stream.getAudioTracks().length > 0)
        this.audio.createMediaStreamSource(stream).connect(mix);
    }
    const tracks = [...mix.stream.getAudioTracks()];
    const picture = isVideo ? remoteStream?.getVideoTracks()[0] : undefined;
    if (picture) tracks.push(picture);
    const mimeType = picture ? 'video/webm' : 'audio/webm';
    this.recorder = new MediaRecorder(new MediaStream(tracks), { mimeType });
    this.recorder.ondataavailable = (event) => {
      if (event.data.size > 0) this.chunks.push(event.data);
    };
    this.stopped = new Promise((resolve) => {
      this.recorder.onstop = () => resolve(new Blob(this.chunks, { type: mimeType }));
    });
    this.recorder.start(1000);
  }

  /** Stops, uploads the file and has the node record it; resolves with the blob's name. */
  async finish(callId: string): Promise<string> {
    if (this.recorder.state !== 'inactive') this.recorder.stop();
    const file = await this.stopped;
    const durationMs = Math.round(performance.now() - this.startedAt);
    void this.audio.close();
    const { hash } = await uploadBlob(file);
    await postRecording(callId, hash, durationMs, file.type);
    return hash;
  }
}
