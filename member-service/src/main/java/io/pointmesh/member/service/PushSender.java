package io.pointmesh.member.service;

import io.pointmesh.member.Notification;

/**
 * Delivers a notification to the member's phone. Pluggable: a deployment provides its own bean
 * (FCM, APNs, a messaging vendor); the default only logs.
 */
public interface PushSender {

    void send(Notification notification);
}
