package io.pointmesh.events.partner;

public enum StoreChannel {
    OFFLINE,
    ONLINE
}
